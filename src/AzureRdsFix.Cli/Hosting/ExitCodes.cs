namespace AzureRdsFix.Cli.Hosting;

/// <summary>Exit codes are API (DESIGN.md): commands return them; nothing calls Environment.Exit.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int FindingsAtThreshold = 1;
    public const int BadInput = 2;
    public const int ToolFailure = 3;
    public const int Cancelled = 130;
}
