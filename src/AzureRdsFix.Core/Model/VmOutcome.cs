namespace AzureRdsFix.Core.Model;

/// <summary>The per-VM outcomes of DESIGN.md; the names are written to reports verbatim.</summary>
public enum VmOutcome
{
    Healthy,
    Fixed,
    FixedPendingRestart,
    WouldFix,
    NeedsAttention,
    NotApplicable,
    Unreachable,
    Failed,
    RolledBack,
}
