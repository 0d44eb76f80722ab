namespace AzureRdsFix.Core.Rules;

/// <summary>Every rule, in id order. Ids are stable and never reused.</summary>
public static class RuleCatalog
{
    public static IReadOnlyList<IRule> All { get; } =
    [
        new Rds001LicensingLockout(),
        new Rds002GracePeriodEnding(),
        new Rds003LicensingModeNotSet(),
        new Rds004NoLicenseServer(),
        new Rds005LicenseServerUnreachable(),
        new Rds006GroupPolicyManaged(),
        new Rds007LicenseServerLowerVersion(),
        new Rds008LicensingRoleUnused(),
        new Rds010LicensingLockoutEvents(),
    ];

    /// <summary>The rule with this id (case-insensitive), or null.</summary>
    public static IRule? Find(string id) =>
        All.FirstOrDefault(r => string.Equals(r.Metadata.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The finding that speaks for a VM: highest severity, then lowest rule id; null when there is none.</summary>
    public static Finding? MainFinding(IEnumerable<Finding> findings) =>
        findings.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal).FirstOrDefault();
}
