using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS010: the RemoteConnectionManager Admin log holds licensing lockout event 1069 — evidence for RDS001.</summary>
public sealed class Rds010LicensingLockoutEvents : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS010",
        "LicensingLockoutEvents",
        Severity.Info,
        "Licensing lockout events logged",
        "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin logged event 1069 in the last 30 days (the "
        + "grace period is over and the licensing mode is not configured). Only event ids with a Microsoft source count; "
        + "the RD Licensing service's System-log events are reported beside it, each under the channel it came from.",
        "Read together with RDS001-RDS004: the events confirm users were refused; they stop once licensing is repaired.",
        "evidence for RDS001");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled || facts.Events.Total == 0)
        {
            return [];
        }

        var evidence = new JsonObject { ["events"] = Licensing.Events(facts), ["total"] = facts.Events.Total, ["days"] = facts.Events.Days };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)];
    }
}
