using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS004: no license server is specified, neither by Group Policy nor locally.</summary>
public sealed class Rds004NoLicenseServer : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS004",
        "NoLicenseServer",
        Severity.Warning,
        "No license server specified",
        "Neither Group Policy (LicenseServers) nor the local SpecifiedLicenseServers list names a license server, so the "
        + "session host has nowhere to ask for licenses once its grace period is over.",
        "Specify a reachable license server (`fix --license-server HOST`).",
        "fix --license-server HOST");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled || facts.EffectiveServers.Count > 0)
        {
            return [];
        }

        var evidence = new JsonObject { ["servers"] = Licensing.Servers(facts), ["graceDays"] = facts.GraceDays };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)
        {
            FixableBy = Licensing.Unless(facts, FixKind.SetServers),
        }];
    }
}
