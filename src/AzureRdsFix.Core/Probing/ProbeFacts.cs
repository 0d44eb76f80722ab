using System.Text.Json.Serialization;

namespace AzureRdsFix.Core.Probing;

/// <summary>
/// What the probe script (Get-RdsLicensingState.ps1) reports from inside the guest: the JSON after
/// <c>AZRDSFIX probe </c>. Field names are the wire contract (docs/guest-contract.md); null means "not found / not available".
/// </summary>
public sealed record ProbeFacts
{
    [JsonPropertyName("schema")] public int Schema { get; init; } = 1;
    [JsonPropertyName("computer")] public string? Computer { get; init; }
    [JsonPropertyName("os")] public OsFacts? Os { get; init; }
    [JsonPropertyName("domain")] public DomainFacts? Domain { get; init; }
    [JsonPropertyName("rdsh")] public RdshFacts Rdsh { get; init; } = new();
    [JsonPropertyName("tsMode")] public int? TerminalServerMode { get; init; }
    [JsonPropertyName("mode")] public ModeFacts LicensingMode { get; init; } = new();
    [JsonPropertyName("servers")] public ServerFacts LicenseServers { get; init; } = new();
    [JsonPropertyName("graceDays")] public int? GraceDays { get; init; }
    [JsonPropertyName("reach")] public IReadOnlyList<Reachability> Reach { get; init; } = [];
    [JsonPropertyName("events")] public EventCounts Events { get; init; } = new();
    [JsonPropertyName("licensingRole")] public string? LicensingRole { get; init; }
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// RDSH counts as installed when the component cache, Get-WindowsFeature or TerminalServerMode 1 (AppServer) says
    /// so: a busy servicing stack can hide the role from the first two.
    /// </summary>
    [JsonIgnore]
    public bool RdshInstalled => Rdsh.InstallState == 1 || string.Equals(Rdsh.Feature, "Installed", StringComparison.OrdinalIgnoreCase)
        || TerminalServerMode == 1;

    [JsonIgnore] public int? EffectiveMode => LicensingMode.Policy ?? LicensingMode.Local;

    [JsonIgnore] public IReadOnlyList<string> EffectiveServers => LicenseServers.Policy.Count > 0 ? LicenseServers.Policy : LicenseServers.Local;

    [JsonIgnore] public bool PolicyManaged => LicensingMode.Policy is not null || LicenseServers.Policy.Count > 0;
}

public sealed record OsFacts(
    [property: JsonPropertyName("caption")] string? Caption,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("build")] string? Build);

public sealed record DomainFacts(
    [property: JsonPropertyName("joined")] bool Joined,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>RDSH role: ServerComponentCache InstallState (1 = installed) and Get-WindowsFeature RDS-RD-Server InstallState.</summary>
public sealed record RdshFacts
{
    [JsonPropertyName("installState")] public int? InstallState { get; init; }
    [JsonPropertyName("feature")] public string? Feature { get; init; }
}

/// <summary>LicensingMode: local RCM\Licensing Core value and Group Policy value (policy wins).</summary>
public sealed record ModeFacts
{
    [JsonPropertyName("local")] public int? Local { get; init; }
    [JsonPropertyName("policy")] public int? Policy { get; init; }
}

/// <summary>License servers: local SpecifiedLicenseServers and the Group Policy LicenseServers list (policy wins).</summary>
public sealed record ServerFacts
{
    [JsonPropertyName("local")] public IReadOnlyList<string> Local { get; init; } = [];
    [JsonPropertyName("policy")] public IReadOnlyList<string> Policy { get; init; } = [];
    [JsonPropertyName("truncated")] public bool Truncated { get; init; }
}

/// <summary>
/// DNS and TCP 135 from the guest to one effective license server, and what
/// Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus(ServerName) answered for it (null = not asked or the call
/// failed). Status values (Learn): 0 UNKNOWN, 1 VALID_WS08R2, 2 VALID_WS08, 3 BETA_RTM_MISMATCH, 4 LOWER_VERSION,
/// 5 NOT_IN_TSCGROUP, 6 NOT_CONNECTABLE, 7 UNKNOWN_VALIDITY, 8 BUT_ACCESS_DENIED, 9 VALID_WS08R2_VDI,
/// 10 FEATURE_NOT_SUPPORTED, 11 VALID_LS.
/// </summary>
public sealed record Reachability(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("dns")] bool Dns,
    [property: JsonPropertyName("tcp135")] bool Tcp135)
{
    [JsonPropertyName("lsStatus")] public int? LsStatus { get; init; }
}

/// <summary>Licensing lockout event counts over the last 30 days. 1128 includes 50280; 1130 includes 50282.</summary>
public sealed record EventCounts
{
    [JsonPropertyName("1069")] public int ModeNotConfigured { get; init; }
    [JsonPropertyName("1128")] public int GraceExpiredNoServer { get; init; }
    [JsonPropertyName("1130")] public int NoServerSpecified { get; init; }

    [JsonIgnore] public int Total => ModeNotConfigured + GraceExpiredNoServer + NoServerSpecified;
}
