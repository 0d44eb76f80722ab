using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

public sealed record GuestOs(string? Caption, string? Version, string? Build);

public sealed record GuestDomain(bool Joined, string? Name);

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

    /// <summary>Event count per id over the last 30 days in the RCM Admin log.</summary>
    public Dictionary<string, int> Events { get; private init; } = [];

    public HashSet<string> ResolvableNames { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Tcp135Hosts { get; private init; } = new(StringComparer.OrdinalIgnoreCase);

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
        Events = new Dictionary<string, int>(Events),
        ResolvableNames = new HashSet<string>(ResolvableNames, StringComparer.OrdinalIgnoreCase),
        Tcp135Hosts = new HashSet<string>(Tcp135Hosts, StringComparer.OrdinalIgnoreCase),
        PendingFeatureRemovals = new HashSet<string>(PendingFeatureRemovals, StringComparer.OrdinalIgnoreCase),
        LicensingChangedSinceRestart = LicensingChangedSinceRestart,
    };

    public string? Feature(string name) => Features is not null && Features.TryGetValue(name, out var state) ? state : null;

    public int EventCount(string id) => Events.TryGetValue(id, out var count) ? count : 0;

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
        foreach (var (id, count) in guest["events"] as JsonObject ?? [])
        {
            state.Events[id] = count?.GetValue<int>() ?? 0;
        }

        foreach (var name in Strings(network?["dns"]))
        {
            state.ResolvableNames.Add(name);
        }

        foreach (var host in Strings(network?["tcp135"]))
        {
            state.Tcp135Hosts.Add(host);
        }

        return state;
    }

    private static string? Text(JsonObject obj, string name) => obj[name]?.GetValue<string>();

    private static int? Number(JsonObject obj, string name) => obj[name]?.GetValue<int>();

    private static WmiResult Method(JsonNode? node, string output) =>
        node is JsonObject result ? new WmiResult(result["ReturnValue"]?.GetValue<long>(), result[output]?.GetValue<long>()) : new WmiResult(null, null);

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(item => item?.GetValue<string>()).OfType<string>() : [];
}
