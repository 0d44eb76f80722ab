using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>Per-run settings the rules read (e.g. --warn-days).</summary>
public sealed record RuleContext(int WarnDays = 14)
{
    public static readonly RuleContext Default = new();

    /// <summary>
    /// License server names (as configured) that session hosts in this run point at, when the caller knows them: RDS008
    /// does not call a licensing role unused on a VM whose computer name one of them names. Empty = unknown.
    /// </summary>
    public IReadOnlySet<string> FleetLicenseServers { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="FleetLicenseServers"/> names this computer (by full name or by the first DNS label).</summary>
    public bool NamesLicenseServer(string? computerName) =>
        computerName is { Length: > 0 }
        && FleetLicenseServers.Any(s => string.Equals(s, computerName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s.Split('.')[0], computerName, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A rule is metadata plus a pure function from probe facts to findings.</summary>
public interface IRule
{
    RuleMetadata Metadata { get; }

    IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context);
}
