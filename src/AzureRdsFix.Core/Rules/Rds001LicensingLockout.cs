using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS001: RDSH installed, grace period over, no working license server — the session host refuses RDP.</summary>
public sealed class Rds001LicensingLockout : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS001",
        "LicensingLockout",
        Severity.Error,
        "Grace period over and no working license server: RDP is refused",
        "The Remote Desktop Session Host role is installed, its licensing grace period is over (GetGracePeriodDays is 0, or "
        + "it could not be asked and lockout event 1069 was logged), and it has no working "
        + "license server (none specified, none reachable on TCP 135, or the licensing mode is not Per User or Per Device), "
        + "so it refuses Remote Desktop connections.",
        "Set the licensing mode and a reachable license server (`fix --license-server HOST --licensing-mode PerUser|PerDevice`), "
        + "or remove the RDSH role if no license server is wanted (`fix --remove-rdsh`).",
        "fix --license-server HOST --licensing-mode MODE, or fix --remove-rdsh");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled || !Licensing.GraceOver(facts) || Licensing.HasWorkingLicenseServer(facts))
        {
            return [];
        }

        var evidence = Licensing.State(facts);
        evidence["graceOverFrom"] = facts.GraceDays is null ? "events" : "graceDays";
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)
        {
            FixableBy = Licensing.Unless(facts, FixKind.SetModeAndServers),
        }];
    }
}
