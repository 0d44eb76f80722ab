using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS003: the effective licensing mode is neither 2 (Per Device) nor 4 (Per User).</summary>
public sealed class Rds003LicensingModeNotSet : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS003",
        "LicensingModeNotSet",
        Severity.Warning,
        "Licensing mode is not Per User or Per Device",
        "The effective Remote Desktop licensing mode (Group Policy LicensingMode, else the local RCM\\Licensing Core "
        + "LicensingMode) is absent or not 2 (Per Device) or 4 (Per User), so the session host cannot get licenses from "
        + "a license server.",
        "Set the licensing mode that matches the CALs on the license server (`fix --licensing-mode PerUser|PerDevice`).",
        "fix --licensing-mode MODE");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled || Licensing.IsValidMode(facts.EffectiveMode))
        {
            return [];
        }

        var evidence = new JsonObject { ["mode"] = Licensing.Mode(facts), ["graceDays"] = facts.GraceDays };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)
        {
            FixableBy = Licensing.Unless(facts, FixKind.SetMode),
        }];
    }
}
