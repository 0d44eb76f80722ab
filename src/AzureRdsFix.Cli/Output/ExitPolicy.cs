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
        var failed = report.ScopeErrors.Count > 0 || report.Vms.Any(v => v.Outcome == VmOutcome.Failed);
        var attention = failed || report.Vms.Any(v => v.Outcome is VmOutcome.NeedsAttention or VmOutcome.Unreachable or VmOutcome.WouldFix or VmOutcome.FixedPendingRestart);
        var hit = failOn switch
        {
            FailOn.Attention => attention,
            FailOn.Failed => failed,
            _ => false,
        };
        return hit ? ExitCodes.FindingsAtThreshold : ExitCodes.Success;
    }
}
