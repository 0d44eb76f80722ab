using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Journal;

/// <summary>One VM as a journal recorded it, in the guest contract's terms (what --resume and rollback act on).</summary>
public sealed record JournaledVm(VmRef Vm, SnapshotInfo? Snapshot, RemediationResult? Remediation)
{
    public bool RemediationStarted { get; init; }

    public bool Restarted { get; init; }

    public bool Final { get; init; }
}

/// <summary>
/// Journals read through the one fold: a run's journal (resume, rollback) or several in order (report merges shard
/// journals; a later journal's line for a VM replaces an earlier one). The reports themselves stay on disk until
/// <see cref="Reports"/> is enumerated.
/// </summary>
public sealed class JournalView
{
    private JournalView(IReadOnlyList<string> paths, RunFold fold, IReadOnlyList<RunStarted> starts)
    {
        Paths = paths;
        Fold = fold;
        Starts = starts;
    }

    public IReadOnlyList<string> Paths { get; }

    public RunFold Fold { get; }

    /// <summary>The first run-started record of each journal.</summary>
    public IReadOnlyList<RunStarted> Starts { get; }

    public RunStarted Started => Starts[0];

    public string RunId => Started.RunId;

    public RunCommand Command => Started.Command;

    public static JournalView Open(string path) => Open([path]);

    /// <summary>A journal folded as it was written (<see cref="JournalWriter.View"/>).</summary>
    internal static JournalView FromFold(string path, RunFold fold, IReadOnlyList<RunStarted> starts)
        => starts.Count > 0 ? new JournalView([path], fold, starts) : throw new InvalidOperationException("The journal has no run-started record yet.");

    /// <summary>Folds the journals in the order given; each must start with its run's record.</summary>
    public static JournalView Open(IReadOnlyList<string> paths)
    {
        var fold = new RunFold();
        var starts = new List<RunStarted>();
        for (var i = 0; i < paths.Count; i++)
        {
            var first = true;
            foreach (var line in JournalReader.Lines(paths[i]))
            {
                if (first)
                {
                    starts.Add(line.Event as RunStarted ?? throw new UsageException($"Journal '{paths[i]}' does not start with a run-started record: expected the journal.jsonl of an earlier azrdsfix run."));
                    first = false;
                }

                fold.Apply(line, i);
            }
        }

        return new JournalView(paths, fold, starts);
    }

    /// <summary>Every VM that has a report line, latest line each, in report order; read from disk as enumerated.</summary>
    public JournalReports Reports(Action<VmReport>? onRead = null) => new(Paths, Fold.Reported, onRead);

    public IReadOnlyList<JournaledVm> Vms() => Fold.Vms
        .Select(vm => new JournaledVm(vm.Vm, vm.Snapshot, ToResult(vm.EffectiveRemediation))
        {
            RemediationStarted = vm.RemediationStarted,
            Restarted = vm.Restarted,
            Final = vm.Final,
        })
        .ToArray();

    private static RemediationResult? ToResult(RecordedRemediation? recorded) => recorded is null ? null : new RemediationResult
    {
        Operation = recorded.Operation,
        Status = recorded.Status,
        Blocked = recorded.Blocked,
        Changes = [.. recorded.Changes.Select(c => new RemediationChange(c.Setting, c.Before, c.After, c.Changed))],
        RestartNeeded = recorded.RestartNeeded,
    };

    public static RecordedRemediation ToRecord(RemediationResult result) => new()
    {
        Operation = result.Operation,
        Status = result.Status,
        Blocked = result.Blocked,
        Changes = [.. result.Changes.Select(c => new RecordedChange(c.Setting, c.Before, c.After, c.Changed))],
        RestartNeeded = result.RestartNeeded,
    };
}
