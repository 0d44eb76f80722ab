using System.Text.Json.Nodes;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// What --resume takes from an earlier run's journal: the VMs that reached a final outcome (not touched again) and, for
/// the others, the snapshot already taken (never taken twice), the remediation recorded or started, and whether the VM
/// was restarted since (the pipeline always re-probes first).
/// </summary>
public sealed record ResumeState(
    string? RunId,
    string? Command,
    JsonObject? RecordedOptions,
    IReadOnlyDictionary<string, VmReport> FinalReports,
    IReadOnlyDictionary<string, PriorVmState> Prior)
{
    public static readonly ResumeState None = new(null, null, null, new Dictionary<string, VmReport>(), new Dictionary<string, PriorVmState>());

    public static ResumeState From(JournalView view)
    {
        var finals = new Dictionary<string, VmReport>(VmRef.IdComparer);
        var prior = new Dictionary<string, PriorVmState>(VmRef.IdComparer);
        foreach (var vm in view.Vms())
        {
            if (vm is { Final: true, LastReport: { } report })
            {
                // For progress only (the final report is read from the journal): evidence and changes are not kept.
                finals[vm.Vm.Id] = report with { Findings = [], Changes = [] };
            }
            else if (vm.Snapshot is not null || vm.RemediationStarted)
            {
                prior[vm.Vm.Id] = new PriorVmState(vm.Snapshot, vm.RemediationStarted, vm.Remediation, vm.Restarted);
            }
        }

        return new ResumeState(view.RunId, view.Command, view.RecordedOptions, finals, prior);
    }
}
