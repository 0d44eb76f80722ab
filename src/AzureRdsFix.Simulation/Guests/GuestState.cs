using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

public sealed record GuestOs(string? Caption, string? Version, string? Build);

public sealed record GuestDomain(bool Joined, string? Name);

/// <summary>One <c>Win32_TSLicenseKeyPack</c> instance (root\cimv2): the CAL counts the scripts read.</summary>
public sealed record LicenseKeyPack(long? TotalLicenses, long? IssuedLicenses)
{
    public bool HoldsLicenses => (TotalLicenses ?? 0) + (IssuedLicenses ?? 0) > 0;
}

/// <summary>The event channels the probe reads (docs/guest-contract.md, "events").</summary>
public static class GuestEventChannels
{
    public const string RcmAdmin = "rcmAdmin";
    public const string System = "system";
}

/// <summary>TCP 135 outcomes of the scripts' bounded connect.</summary>
public static class Tcp135States
{
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Timeout = "timeout";
    public const string DnsFailed = "dnsFailed";
}

/// <summary>A CIM method result as WMI gives it: ReturnValue (0 = success, else a WMI error) and one out value.</summary>
public sealed record WmiResult(long? ReturnValue, long? Value)
{
    /// <summary>The out value, or null unless ReturnValue is present and 0 (then the out value means nothing).</summary>
    public int? Trusted => ReturnValue == 0 && Value is { } value ? (int)value : null;
}

/// <summary>
/// <c>Win32_TerminalServiceSetting</c>: TerminalServerMode, GetGracePeriodDays (<c>DaysLeft</c>) and
/// GetTStoLSConnectivityStatus(ServerName) (<c>TStoLSConnectivityStatus</c>) per server name, "*" for any other.
/// </summary>
public sealed record TerminalServiceSetting(int? TerminalServerMode, WmiResult Grace, IReadOnlyDictionary<string, WmiResult> Status)
{
    public const string AnyServer = "*";

    public WmiResult StatusFor(string server) =>
        Status.TryGetValue(server, out var result) || Status.TryGetValue(AnyServer, out result) ? result : new WmiResult(0, 0);
}

/// <summary>
/// A simulated Windows guest: exactly the surface the in-guest scripts touch (docs/guest-contract.md).
/// Mutable, but only through a VM that owns its copy (see <see cref="Fleets.SimulatedVm"/>), so many VMs can share one
/// fixture's state until a remediation writes to one of them.
/// </summary>
public sealed class GuestState
{
    public string? ComputerName { get; set; }

    public GuestOs? Os { get; set; }

    public GuestDomain? Domain { get; set; }

    public GuestRegistry Registry { get; private init; } = new();

    /// <summary>Get-WindowsFeature InstallState per feature; null means Get-WindowsFeature is not available (client OS).</summary>
    public Dictionary<string, string>? Features { get; set; }

    /// <summary>null means the CIM class is missing.</summary>
    public TerminalServiceSetting? TerminalServiceSetting { get; set; }

    /// <summary>
    /// Event count per id over the last 30 days, per channel (<see cref="GuestEventChannels"/>); a channel mapped to
    /// null does not exist (Get-WinEvent: no such log).
    /// </summary>
    public Dictionary<string, Dictionary<string, int>?> Events { get; private init; } = new()
    {
        [GuestEventChannels.RcmAdmin] = [],
        [GuestEventChannels.System] = [],
    };

    /// <summary>DNS answers: name -> addresses; a name not here does not resolve.</summary>
    public Dictionary<string, List<string>> DnsAnswers { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names whose lookup does not answer within the scripts' timeout.</summary>
    public HashSet<string> DnsTimeouts { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>TCP 135 per address: open or timeout; any other address refuses the connection (closed).</summary>
    public Dictionary<string, string> Tcp135 { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>False: a 32-bit host on 64-bit Windows (the scripts then read the registry through the 64-bit view).</summary>
    public bool Is64BitProcess { get; set; } = true;

    /// <summary>Win32_TSLicenseKeyPack instances; null means the class is missing (no RD Licensing role).</summary>
    public IReadOnlyList<LicenseKeyPack>? LicenseKeyPacks { get; set; }

    /// <summary>Features uninstalled since the last restart: they read UninstallPending until a restart removes them.</summary>
    public HashSet<string> PendingFeatureRemovals { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Licensing mode or servers written since the last restart; TermService reads them at start.</summary>
    public bool LicensingChangedSinceRestart { get; set; }

    public GuestState Clone() => new()
    {
        ComputerName = ComputerName,
        Os = Os,
        Domain = Domain,
        Registry = Registry.Clone(),
        Features = Features is null ? null : new Dictionary<string, string>(Features, StringComparer.OrdinalIgnoreCase),
        TerminalServiceSetting = TerminalServiceSetting,
        Events = Events.ToDictionary(channel => channel.Key, channel => channel.Value is null ? null : new Dictionary<string, int>(channel.Value)),
        DnsAnswers = DnsAnswers.ToDictionary(answer => answer.Key, answer => new List<string>(answer.Value), StringComparer.OrdinalIgnoreCase),
        DnsTimeouts = new HashSet<string>(DnsTimeouts, StringComparer.OrdinalIgnoreCase),
        Tcp135 = new Dictionary<string, string>(Tcp135, StringComparer.OrdinalIgnoreCase),
        Is64BitProcess = Is64BitProcess,
        LicenseKeyPacks = LicenseKeyPacks,
        PendingFeatureRemovals = new HashSet<string>(PendingFeatureRemovals, StringComparer.OrdinalIgnoreCase),
        LicensingChangedSinceRestart = LicensingChangedSinceRestart,
    };

    public string? Feature(string name) => Features is not null && Features.TryGetValue(name, out var state) ? state : null;

    /// <summary>The count of one id in one channel; null when the channel does not exist.</summary>
    public int? EventCount(string channel, string id) =>
        Events.TryGetValue(channel, out var counts) && counts is not null ? counts.GetValueOrDefault(id) : null;

    /// <summary>Reads the <c>guest</c> object of a fixture file.</summary>
    public static GuestState Parse(JsonObject guest)
    {
        var os = guest["os"] as JsonObject;
        var domain = guest["domain"] as JsonObject;
        var tss = guest["terminalServiceSetting"] as JsonObject;
        var network = guest["network"] as JsonObject;
        var state = new GuestState
        {
            ComputerName = guest["computerName"]?.GetValue<string>(),
            Os = os is null ? null : new GuestOs(Text(os, "caption"), Text(os, "version"), Text(os, "build")),
            Domain = domain is null ? null : new GuestDomain(domain["joined"]?.GetValue<bool>() ?? false, Text(domain, "name")),
            Registry = GuestRegistry.Parse(guest["registry"] as JsonObject),
            Features = guest["features"] is JsonObject features
                ? features.ToDictionary(f => f.Key, f => f.Value?.GetValue<string>() ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                : null,
            TerminalServiceSetting = tss is null
                ? null
                : new TerminalServiceSetting(
                    Number(tss, "terminalServerMode"),
                    Method(tss["getGracePeriodDays"], "DaysLeft"),
                    (tss["getTStoLSConnectivityStatus"] as JsonObject ?? []).ToDictionary(
                        s => s.Key, s => Method(s.Value, "TStoLSConnectivityStatus"), StringComparer.OrdinalIgnoreCase)),
        };
        var events = guest["events"] as JsonObject ?? [];
        foreach (var channel in new[] { GuestEventChannels.RcmAdmin, GuestEventChannels.System })
        {
            state.Events[channel] = !events.TryGetPropertyValue(channel, out var counts)
                ? []
                : counts is JsonObject map ? map.ToDictionary(c => c.Key, c => c.Value?.GetValue<int>() ?? 0) : null;
        }

        foreach (var (name, addresses) in network?["dns"] as JsonObject ?? [])
        {
            state.DnsAnswers[name] = [.. Strings(addresses)];
        }

        foreach (var name in Strings(network?["dnsTimeout"]))
        {
            state.DnsTimeouts.Add(name);
        }

        foreach (var (address, tcp) in network?["tcp135"] as JsonObject ?? [])
        {
            state.Tcp135[address] = tcp?.GetValue<string>() ?? Tcp135States.Closed;
        }

        state.Is64BitProcess = guest["is64BitProcess"]?.GetValue<bool>() ?? true;
        state.LicenseKeyPacks = guest["licenseKeyPacks"] is JsonArray packs
            ? [.. packs.OfType<JsonObject>().Select(pack => new LicenseKeyPack(pack["TotalLicenses"]?.GetValue<long>(), pack["IssuedLicenses"]?.GetValue<long>()))]
            : null;
        return state;
    }

    private static string? Text(JsonObject obj, string name) => obj[name]?.GetValue<string>();

    private static int? Number(JsonObject obj, string name) => obj[name]?.GetValue<int>();

    private static WmiResult Method(JsonNode? node, string output) =>
        node is JsonObject result ? new WmiResult(result["ReturnValue"]?.GetValue<long>(), result[output]?.GetValue<long>()) : new WmiResult(null, null);

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(item => item?.GetValue<string>()).OfType<string>() : [];
}
