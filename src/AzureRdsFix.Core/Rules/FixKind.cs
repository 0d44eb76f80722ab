namespace AzureRdsFix.Core.Rules;

/// <summary>The values of <see cref="Finding.FixableBy"/>: what `fix` can do about a finding on this VM.</summary>
public static class FixKind
{
    /// <summary>Set the licensing mode and the license servers (`--license-server`, `--licensing-mode`), or `--remove-rdsh`.</summary>
    public const string SetModeAndServers = "SetModeAndServers";

    /// <summary>Set the licensing mode (`--licensing-mode`).</summary>
    public const string SetMode = "SetMode";

    /// <summary>Set the license servers (`--license-server`).</summary>
    public const string SetServers = "SetServers";

    /// <summary>Uninstall the RD Licensing role (`--remove-licensing-role`).</summary>
    public const string RemoveLicensingRole = "RemoveLicensingRole";
}
