using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Core.Reporting;

/// <summary>--fail-on: the level at or above which a VM (or an unreadable scope) makes the run fail.</summary>
public enum FailOn { Attention, Failed, Never }

/// <summary>
/// What --fail-on counts: one definition, read by the exit code and by every writer that marks VMs as failing (JUnit),
/// so a pipeline's test tab and its exit code never disagree.
/// </summary>
public static class FailOnPolicy
{
    /// <summary>attention: NeedsAttention, Unreachable, WouldFix, FixedPendingRestart and Failed; failed: Failed; never: nothing.</summary>
    public static bool Counts(this FailOn failOn, VmOutcome outcome) => failOn switch
    {
        FailOn.Attention => outcome is VmOutcome.Failed or VmOutcome.NeedsAttention or VmOutcome.Unreachable or VmOutcome.WouldFix or VmOutcome.FixedPendingRestart,
        FailOn.Failed => outcome is VmOutcome.Failed,
        _ => false,
    };

    /// <summary>A subscription or resource group that could not be listed counts at every level but never.</summary>
    public static bool CountsScopeErrors(this FailOn failOn) => failOn != FailOn.Never;
}
