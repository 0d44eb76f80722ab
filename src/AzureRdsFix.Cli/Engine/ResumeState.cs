using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// What --resume takes from an earlier run's journal (through its fold): the run as it started, the VMs that reached a
/// final outcome (not touched again) and, for the others, the snapshot already taken (never taken twice), the
/// remediation recorded or started, and whether the VM was restarted since (the pipeline always re-probes first).
/// </summary>
public sealed record ResumeState(
    RunStarted? Started,
    IReadOnlyDictionary<string, FinalVm> Finals,
    IReadOnlyDictionary<string, PriorVmState> Prior)
{
    public static readonly ResumeState None = new(null, new Dictionary<string, FinalVm>(), new Dictionary<string, PriorVmState>());

    /// <summary>License servers named by session hosts the earlier attempt finished (they are not probed again).</summary>
    public IReadOnlyList<string> FinishedHostsLicenseServers { get; init; } = [];

    public string? RunId => Started?.RunId;

    public RunCommand? Command => Started?.Command;

    public static ResumeState From(JournalView view)
    {
        var finals = new Dictionary<string, FinalVm>(VmRef.IdComparer);
        var prior = new Dictionary<string, PriorVmState>(VmRef.IdComparer);
        foreach (var vm in view.Vms())
        {
            var state = view.Fold.Vm(vm.Vm.Id)!;
            if (vm.Final && state.Outcome is { } outcome)
            {
                finals[vm.Vm.Id] = new FinalVm(vm.Vm, outcome);
            }
            else if (vm.Snapshot is not null || vm.RemediationStarted)
            {
                prior[vm.Vm.Id] = new PriorVmState(vm.Snapshot, vm.RemediationStarted, vm.Remediation, vm.Restarted);
            }
        }

        return new ResumeState(view.Started, finals, prior)
        {
            FinishedHostsLicenseServers = [.. view.Fold.Vms.Where(v => v.Final).SelectMany(v => v.NamedLicenseServers)],
        };
    }
}

/// <summary>A VM the resumed run finished before: for progress only (its report line is in the journal already).</summary>
public sealed record FinalVm(VmRef Vm, VmOutcome Outcome);
