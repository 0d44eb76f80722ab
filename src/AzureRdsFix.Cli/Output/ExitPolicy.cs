using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>--fail-on: exit 1 when any VM (or an unreadable scope) is at or above the chosen level.</summary>
public static class ExitPolicy
{
    public static int For(RunReport report, FailOn failOn)
    {
        // From the summary counts: one pass over the VMs, which may be read back from the journal.
        var count = report.Summary.ByOutcome;
        var failed = report.ScopeErrors.Count > 0 || count[nameof(VmOutcome.Failed)] > 0;
        var attention = failed || new[] { VmOutcome.NeedsAttention, VmOutcome.Unreachable, VmOutcome.WouldFix, VmOutcome.FixedPendingRestart }
            .Any(o => count[o.ToString()] > 0);
        var hit = failOn switch
        {
            FailOn.Attention => attention,
            FailOn.Failed => failed,
            _ => false,
        };
        return hit ? ExitCodes.FindingsAtThreshold : ExitCodes.Success;
    }
}
