using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS010: the RemoteConnectionManager Admin log holds licensing lockout events — evidence for RDS001.</summary>
public sealed class Rds010LicensingLockoutEvents : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS010",
        "LicensingLockoutEvents",
        Severity.Info,
        "Licensing lockout events logged",
        "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin logged licensing lockout events in the last 30 days: "
        + "1069 (grace period over, licensing mode not configured), 1128/50280 (grace period over, no license server with "
        + "licenses), 1130/50282 (no license server specified).",
        "Read together with RDS001-RDS004: the events confirm users were refused; they stop once licensing is repaired.",
        "evidence for RDS001");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled || facts.Events.Total == 0)
        {
            return [];
        }

        var evidence = new JsonObject { ["events"] = Licensing.Events(facts), ["total"] = facts.Events.Total, ["days"] = 30 };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)];
    }
}
