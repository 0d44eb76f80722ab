namespace AzureRdsFix.Simulation.Guests;

/// <summary>The probe's warning sentences; they must read exactly as the script writes them (the fixtures compare them).</summary>
public static class GuestWarnings
{
    public const string NoTerminalServiceSetting = "Win32_TerminalServiceSetting could not be read: Invalid class";
    public const string NoWindowsFeature = "Get-WindowsFeature is not available; role states are unknown.";

    /// <summary>The probe keeps at most this many warnings.</summary>
    public const int Max = 5;
}
