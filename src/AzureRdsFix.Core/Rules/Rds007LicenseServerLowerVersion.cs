using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>
/// RDS007: GetTStoLSConnectivityStatus(ServerName) says LOWER_VERSION (4) for an effective license server: it is older
/// than the session host (Learn: "GetTStoLSConnectivityStatus method of the Win32_TerminalServiceSetting class").
/// </summary>
public sealed class Rds007LicenseServerLowerVersion : IRule
{
    /// <summary>GetTStoLSConnectivityStatus: LICENSE_SERVER_LOWER_VERSION.</summary>
    public const int LowerVersionStatus = 4;

    public RuleMetadata Metadata { get; } = new(
        "RDS007",
        "LicenseServerLowerVersion",
        Severity.Warning,
        "License server older than the session host",
        "Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus, asked for an effective license server by name, reports "
        + "LOWER_VERSION (4): that license server runs an "
        + "older Windows Server version than the session host, so it cannot issue the CALs this host needs.",
        "Move licensing to a license server running the same or a newer Windows Server version than the session hosts, "
        + "with matching RDS CALs installed.",
        "NeedsAttention");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        var lower = Licensing.CheckServers(facts).Where(s => s.LsStatus == LowerVersionStatus).Select(s => s.Host).ToList();
        if (!facts.RdshInstalled || lower.Count == 0)
        {
            return [];
        }

        var evidence = new JsonObject
        {
            ["lowerVersion"] = Licensing.Strings(lower),
            ["reach"] = Licensing.Reach(facts),
            ["servers"] = Licensing.Servers(facts),
            ["os"] = facts.Os is null ? null : new JsonObject { ["caption"] = facts.Os.Caption, ["version"] = facts.Os.Version },
        };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)];
    }
}
