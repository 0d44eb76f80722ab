using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>Per-run settings the rules read (e.g. --warn-days).</summary>
public sealed record RuleContext(int WarnDays = 14)
{
    public static readonly RuleContext Default = new();
}

/// <summary>A rule is metadata plus a pure function from probe facts to findings.</summary>
public interface IRule
{
    RuleMetadata Metadata { get; }

    IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context);
}
