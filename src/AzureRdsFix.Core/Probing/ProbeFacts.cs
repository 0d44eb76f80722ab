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

    /// <summary>False on a 32-bit host on 64-bit Windows; the probe then reads the registry through the 64-bit view.</summary>
    [JsonPropertyName("is64BitProcess")] public bool? Is64BitProcess { get; init; }
    [JsonPropertyName("rdsh")] public RdshFacts Rdsh { get; init; } = new();
    [JsonPropertyName("tsMode")] public int? TerminalServerMode { get; init; }
    [JsonPropertyName("mode")] public ModeFacts LicensingMode { get; init; } = new();
    [JsonPropertyName("servers")] public ServerFacts LicenseServers { get; init; } = new();
    [JsonPropertyName("graceDays")] public int? GraceDays { get; init; }
    [JsonPropertyName("reach")] public IReadOnlyList<Reachability> Reach { get; init; } = [];
    [JsonPropertyName("events")] public EventCounts Events { get; init; } = new();
    [JsonPropertyName("licensingRole")] public string? LicensingRole { get; init; }

    /// <summary>
    /// Where RD Licensing is installed: its Win32_TSLicenseKeyPack key packs holding CALs (TotalLicenses or
    /// IssuedLicenses above 0); null when not installed or unknown.
    /// </summary>
    [JsonPropertyName("keyPacks")] public int? KeyPacks { get; init; }

    [JsonPropertyName("warnings")] public IReadOnlyList<ProbeWarning> Warnings { get; init; } = [];

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

/// <summary>Something the probe could not read: a (possibly localized) message and a locale-independent id.</summary>
public sealed record ProbeWarning(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("errorId")] string? ErrorId);

/// <summary>What the guest's one bounded TCP 135 connect to a license server found.</summary>
public static class Tcp135State
{
    public const string Open = "open";

    /// <summary>Refused, or failed before the timeout.</summary>
    public const string Closed = "closed";

    /// <summary>No answer within the probe's timeout (3 s by default).</summary>
    public const string Timeout = "timeout";

    /// <summary>Not tried: the name did not resolve (or not in time).</summary>
    public const string DnsFailed = "dnsFailed";
}

/// <summary>
/// DNS and TCP 135 from the guest to one effective license server (the address tried, and the connect's outcome:
/// <see cref="Tcp135State"/>), and what Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus(ServerName) answered
/// for it (null = not asked or the call failed). Status values (Learn): 0 UNKNOWN, 1 VALID_WS08R2, 2 VALID_WS08,
/// 3 BETA_RTM_MISMATCH, 4 LOWER_VERSION, 5 NOT_IN_TSCGROUP, 6 NOT_CONNECTABLE, 7 UNKNOWN_VALIDITY, 8 BUT_ACCESS_DENIED,
/// 9 VALID_WS08R2_VDI, 10 FEATURE_NOT_SUPPORTED, 11 VALID_LS.
/// </summary>
public sealed record Reachability
{
    public Reachability()
    {
    }

    /// <summary>From two flags (the serial console's one-line test): a resolved name that did not answer is closed.</summary>
    public Reachability(string host, bool dns, bool tcp135)
    {
        Host = host;
        Dns = dns;
        Tcp135 = tcp135 ? Tcp135State.Open : dns ? Tcp135State.Closed : Tcp135State.DnsFailed;
    }

    [JsonPropertyName("host")] public string Host { get; init; } = string.Empty;
    [JsonPropertyName("dns")] public bool Dns { get; init; }
    [JsonPropertyName("address")] public string? Address { get; init; }
    [JsonPropertyName("tcp135")] public string Tcp135 { get; init; } = Tcp135State.DnsFailed;
    [JsonPropertyName("lsStatus")] public int? LsStatus { get; init; }

    [JsonIgnore] public bool Tcp135Open => string.Equals(Tcp135, Tcp135State.Open, StringComparison.Ordinal);
}

/// <summary>
/// Event counts over the last <see cref="Days"/> days, per channel they came from; a channel the probe could not read
/// is null (unknown, with a warning), never zero. Only ids with a Microsoft source are counted (docs/guest-contract.md).
/// </summary>
public sealed record EventCounts
{
    [JsonPropertyName("days")] public int Days { get; init; } = 30;
    [JsonPropertyName("rcmAdmin")] public RcmAdminEvents? RcmAdmin { get; init; } = new();
    [JsonPropertyName("system")] public SystemLogEvents? SystemLog { get; init; } = new();

    /// <summary>1069 in the RCM Admin log, 0 when that log is unknown.</summary>
    [JsonIgnore] public int ModeNotConfigured => RcmAdmin?.ModeNotConfigured ?? 0;

    /// <summary>The lockout events (1069): what RDS010 reports.</summary>
    [JsonIgnore] public int Total => ModeNotConfigured;
}

/// <summary>Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin.</summary>
public sealed record RcmAdminEvents
{
    /// <summary>1069: the grace period is over and the licensing mode is not configured (Learn: "Event ID 1069").</summary>
    [JsonPropertyName("1069")] public int ModeNotConfigured { get; init; }
}

/// <summary>The System log, source Microsoft-Windows-TerminalServices-Licensing (the RD Licensing service).</summary>
public sealed record SystemLogEvents
{
    /// <summary>4105: the license server cannot update a user's license attributes in AD (KB 2030310).</summary>
    [JsonPropertyName("4105")] public int LicenseAttributesNotUpdated { get; init; }
}
