using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>--fail-on: exit 1 when any VM (or an unreadable scope) is at or above the chosen level (<see cref="FailOnPolicy"/>).</summary>
public static class ExitPolicy
{
    public static int For(RunReport report, FailOn failOn) => For(report.Summary, report.ScopeErrors.Count, failOn);

    /// <summary>From the summary counts: no pass over the VMs, which may be read back from the journal.</summary>
    public static int For(ReportSummary summary, int scopeErrors, FailOn failOn)
    {
        var hit = (scopeErrors > 0 && failOn.CountsScopeErrors())
            || Enum.GetValues<VmOutcome>().Any(o => failOn.Counts(o) && summary.ByOutcome.TryGetValue(o.ToString(), out var n) && n > 0);
        return hit ? ExitCodes.FindingsAtThreshold : ExitCodes.Success;
    }
}
