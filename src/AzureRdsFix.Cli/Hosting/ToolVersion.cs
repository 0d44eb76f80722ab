using System.Reflection;

namespace AzureRdsFix.Cli.Hosting;

public static class ToolVersion
{
    /// <summary>The tool's own version and the commit it was built from: 0.1.0+1a2b3c4d5e6f (no commit outside a git checkout).</summary>
    public static string Full { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version alone, as reports carry it.</summary>
    public static string Current { get; } = Full.Split('+')[0];
}
