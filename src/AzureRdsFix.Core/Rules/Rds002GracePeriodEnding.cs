using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS002: the grace period ends within --warn-days and there is no working license server to take over.</summary>
public sealed class Rds002GracePeriodEnding : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS002",
        "GracePeriodEnding",
        Severity.Warning,
        "Grace period ends soon and no working license server",
        "The Remote Desktop Session Host role is installed, its licensing grace period ends within the warning window "
        + "(--warn-days, default 14), and it has no working license server: when the grace period ends it will refuse RDP.",
        "Set the licensing mode and a reachable license server before the grace period ends "
        + "(`fix --license-server HOST --licensing-mode PerUser|PerDevice`).",
        "fix --license-server HOST --licensing-mode MODE");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled
            || facts.GraceDays is not { } days || days <= 0 || days > context.WarnDays
            || Licensing.HasWorkingLicenseServer(facts))
        {
            return [];
        }

        var evidence = Licensing.State(facts);
        evidence["warnDays"] = context.WarnDays;
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)
        {
            FixableBy = Licensing.Unless(facts, FixKind.SetModeAndServers),
        }];
    }
}
