using System.Text.Json.Serialization;

namespace AzureRdsFix.Guest;

/// <summary>What Set-RdsLicensing.ps1 reports: the JSON after <c>AZRDSFIX remediate </c> (docs/guest-contract.md).</summary>
public sealed record RemediationResult
{
    [JsonPropertyName("schema")] public int Schema { get; init; } = 1;
    [JsonPropertyName("operation")] public string? Operation { get; init; }

    /// <summary><see cref="RemediationStatus"/>: Applied, NoChange or Blocked.</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }

    /// <summary>Why nothing was changed when <see cref="Status"/> is Blocked: <see cref="RemediationBlock"/>.</summary>
    [JsonPropertyName("blocked")] public string? Blocked { get; init; }

    [JsonPropertyName("unreachable")] public IReadOnlyList<string> Unreachable { get; init; } = [];
    [JsonPropertyName("changes")] public IReadOnlyList<RemediationChange> Changes { get; init; } = [];
    [JsonPropertyName("restartNeeded")] public bool RestartNeeded { get; init; }

    /// <summary>Wmi, Registry, or null when no mode/server value was written.</summary>
    [JsonPropertyName("method")] public string? Method { get; init; }

    /// <summary>
    /// A failure after some changes may already have been written (role removal comes last): <see cref="Changes"/> still
    /// records what was written. Null when the run completed.
    /// </summary>
    [JsonPropertyName("error")] public GuestError? Error { get; init; }
}

/// <summary>A guest-side error: the (possibly localized) message and a locale-independent id (FullyQualifiedErrorId and HResult).</summary>
public sealed record GuestError(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("errorId")] string? ErrorId);

/// <summary>
/// One setting the run was asked about. Before/after are strings (DWORD as decimal, lists comma-joined); null = absent.
/// When the run refused to change a value it could not put back (<see cref="RemediationBlock.NotRestorable"/>),
/// <see cref="BeforeType"/> and <see cref="BeforeRaw"/> (hex of UTF-8, MULTI_SZ entries joined by a line feed) keep it
/// as it really is, for the journal.
/// </summary>
public sealed record RemediationChange(
    [property: JsonPropertyName("setting")] string Setting,
    [property: JsonPropertyName("before")] string? Before,
    [property: JsonPropertyName("after")] string? After,
    [property: JsonPropertyName("changed")] bool Changed)
{
    [JsonPropertyName("beforeType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BeforeType { get; init; }

    [JsonPropertyName("beforeRaw")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BeforeRaw { get; init; }
}

public static class RemediationStatus
{
    public const string Applied = "Applied";
    public const string NoChange = "NoChange";
    public const string Blocked = "Blocked";
}

public static class RemediationBlock
{
    public const string GroupPolicy = "GroupPolicy";
    public const string Unreachable = "Unreachable";

    /// <summary>A current value a rollback could not put back exactly (type, characters, entry count): left unchanged.</summary>
    public const string NotRestorable = "NotRestorable";

    /// <summary>
    /// RD Licensing was not removed because its CAL key packs hold licenses (Win32_TSLicenseKeyPack TotalLicenses or
    /// IssuedLicenses above 0) or could not be read; <see cref="RemediationResult.Error"/> says which. Nothing changed.
    /// </summary>
    public const string LicensesInstalled = "LicensesInstalled";
}

public static class RemediationSettings
{
    public const string LicensingMode = "LicensingMode";
    public const string SpecifiedLicenseServers = "SpecifiedLicenseServers";
    public const string RdshRole = "RDS-RD-Server";
    public const string LicensingRole = "RDS-Licensing";
}
