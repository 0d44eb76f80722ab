using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Diagnosis;

/// <summary>
/// What `scan` concludes about one VM from its probe facts: every finding, the outcome (Healthy, NeedsAttention or
/// NotApplicable) and one sentence saying why in operator language.
/// </summary>
public sealed record Diagnosis(IReadOnlyList<Finding> Findings, VmOutcome Outcome, string Reason)
{
    /// <summary>The finding that speaks for the VM: highest severity, then lowest rule id.</summary>
    public Finding? MainFinding => RuleCatalog.MainFinding(Findings);

    /// <summary>
    /// What `fix` could do (a <see cref="Rules.FixKind"/> value) when the outcome is NeedsAttention; null when nothing
    /// the tool may change locally would help (Group Policy, unreachable server that is otherwise fine, old license server).
    /// </summary>
    public string? FixKind { get; init; }

    public bool Fixable => FixKind is not null;
}
