using System.Globalization;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>One effective license server and what the guest found when it tried to reach it (null = not tested).</summary>
internal sealed record ServerCheck(string Host, bool? Dns, string? Tcp135, int? LsStatus = null, string? Address = null)
{
    public bool Reachable => Dns == true && Tcp135 == Tcp135State.Open;

    /// <summary>Why the server is not reachable, in operator words; null when it is.</summary>
    public string? Problem => this switch
    {
        { Reachable: true } => null,
        { Dns: null } => "was not tested",
        { Dns: false } => "does not resolve in DNS",
        { Tcp135: Tcp135State.Timeout } => "does not answer on TCP 135 in time (timed out)",
        _ => "does not answer on TCP 135",
    };
}

/// <summary>The licensing facts several rules share: valid mode, effective servers and their reachability, evidence shapes.</summary>
internal static class Licensing
{
    public static bool IsValidMode(int? mode) => mode is 2 or 4;

    public static string DescribeMode(int? mode) => mode switch
    {
        null => "not set",
        2 => "2 (Per Device)",
        4 => "4 (Per User)",
        _ => mode.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Each effective server (policy list if non-empty, else local) with its probe reach entry, in order.</summary>
    public static IReadOnlyList<ServerCheck> CheckServers(ProbeFacts facts) =>
        [.. facts.EffectiveServers.Select(host =>
        {
            var reach = facts.Reach.FirstOrDefault(r => string.Equals(r.Host, host, StringComparison.OrdinalIgnoreCase));
            return reach is null ? new ServerCheck(host, null, null) : new ServerCheck(host, reach.Dns, reach.Tcp135, reach.LsStatus, reach.Address);
        })];

    /// <summary>A working license server: mode 2 or 4 and at least one effective server resolving and answering on TCP 135.</summary>
    public static bool HasWorkingLicenseServer(ProbeFacts facts) =>
        IsValidMode(facts.EffectiveMode) && CheckServers(facts).Any(s => s.Reachable);

    /// <summary>
    /// Whether the grace period is over: GetGracePeriodDays says 0, or — when it could not be asked (no
    /// Win32_TerminalServiceSetting) — the guest logged 1069, which is only logged once it is over (Learn: "Event ID
    /// 1069"). 1128/1130 and 50280/50282 are not used: no Microsoft source names them.
    /// </summary>
    public static bool GraceOver(ProbeFacts facts) =>
        facts.GraceDays == 0 || (facts.GraceDays is null && facts.Events.ModeNotConfigured > 0);

    public static JsonObject Mode(ProbeFacts facts) => new()
    {
        ["local"] = facts.LicensingMode.Local,
        ["policy"] = facts.LicensingMode.Policy,
        ["effective"] = facts.EffectiveMode,
    };

    public static JsonObject Servers(ProbeFacts facts) => new()
    {
        ["local"] = Strings(facts.LicenseServers.Local),
        ["policy"] = Strings(facts.LicenseServers.Policy),
        ["effective"] = Strings(facts.EffectiveServers),
        ["truncated"] = facts.LicenseServers.Truncated,
    };

    public static JsonArray Reach(ProbeFacts facts) =>
        [.. CheckServers(facts).Select(s => new JsonObject
        {
            ["host"] = s.Host,
            ["dns"] = s.Dns,
            ["address"] = s.Address,
            ["tcp135"] = s.Tcp135,
            ["lsStatus"] = s.LsStatus,
        })];

    /// <summary>The counted events under the channel each came from; an unreadable channel is null (unknown), not zero.</summary>
    public static JsonObject Events(ProbeFacts facts) => new()
    {
        ["rcmAdmin"] = facts.Events.RcmAdmin is { } rcm ? new JsonObject { ["1069"] = rcm.ModeNotConfigured } : null,
        ["system"] = facts.Events.SystemLog is { } system ? new JsonObject { ["4105"] = system.LicenseAttributesNotUpdated } : null,
    };

    /// <summary>The evidence of the licensing-state rules (RDS001/RDS002): everything "no working license server" depends on.</summary>
    public static JsonObject State(ProbeFacts facts) => new()
    {
        ["graceDays"] = facts.GraceDays,
        ["mode"] = Mode(facts),
        ["servers"] = Servers(facts),
        ["reach"] = Reach(facts),
        ["events"] = Events(facts),
    };

    /// <summary>Mode/server changes do not stick under Group Policy, so such a finding has no local fix.</summary>
    public static string? Unless(ProbeFacts facts, string fixKind) => facts.PolicyManaged ? null : fixKind;

    public static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
