using System.Text.Json;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Journal;

/// <summary>One VM as an earlier run's journal recorded it: who it is, its snapshot, what the remediation changed, its last outcome.</summary>
public sealed record JournaledVm(VmRef Vm, SnapshotInfo? Snapshot, RemediationResult? Remediation, VmReport? LastReport);

/// <summary>Reads a journal back into what `rollback` and `report` need.</summary>
public sealed class JournalView(IReadOnlyList<JournalEntry> entries)
{
    public string? RunId => entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted)?.RunId;

    public string? Command => entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted)?.Data?["command"]?.GetValue<string>();

    public DateTimeOffset? StartedAt => entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted)?.At;

    public DateTimeOffset? FinishedAt => entries.Count > 0 ? entries[^1].At : null;

    public IReadOnlyList<ScopeError> ScopeErrors => entries
        .Where(e => e.Type == JournalTypes.ScopeError && e.Data is not null)
        .Select(e => e.Data!.Deserialize<ScopeError>(JsonSerializerOptions.Web)!)
        .DistinctBy(e => (e.Scope, e.Message))
        .ToArray();

    public IReadOnlyList<JournaledVm> Vms()
    {
        var refs = new Dictionary<string, VmRef>(VmRef.IdComparer);
        var snapshots = new Dictionary<string, SnapshotInfo>(VmRef.IdComparer);
        var remediations = new Dictionary<string, RemediationResult>(VmRef.IdComparer);
        var reports = new Dictionary<string, VmReport>(VmRef.IdComparer);
        foreach (var entry in entries.Where(e => e.VmId is not null && e.Data is not null))
        {
            var id = entry.VmId!;
            switch (entry.Type, entry.Step, entry.Status)
            {
                case (JournalTypes.Step, "discover", StepStatus.Succeeded):
                    refs[id] = entry.Data!.Deserialize<VmRef>()!;
                    break;
                case (JournalTypes.Step, JournalSteps.Snapshot, StepStatus.Succeeded):
                    snapshots[id] = entry.Data!.Deserialize<SnapshotInfo>(JsonSerializerOptions.Web)!;
                    break;
                case (JournalTypes.Step, JournalSteps.Remediate, StepStatus.Succeeded):
                    var result = entry.Data!.Deserialize<RemediationResult>()!;
                    remediations[id] = remediations.TryGetValue(id, out var earlier) ? Merge(earlier, result) : result;
                    break;
                case (JournalTypes.VmOutcome, _, _) when entry.Data!["report"] is { } report:
                    reports[id] = ReportJson.FromNode(report);
                    break;
            }
        }

        return refs.Values
            .Select(vm => new JournaledVm(vm, snapshots.GetValueOrDefault(vm.Id), remediations.GetValueOrDefault(vm.Id), reports.GetValueOrDefault(vm.Id)))
            .ToArray();
    }

    /// <summary>
    /// A VM remediated again (a resumed run): each setting keeps the before-value of the first change that touched it —
    /// the VM's original — and the latest after-value.
    /// </summary>
    private static RemediationResult Merge(RemediationResult earlier, RemediationResult later)
    {
        var changes = earlier.Changes.ToList();
        foreach (var change in later.Changes)
        {
            var index = changes.FindIndex(c => c.Setting == change.Setting);
            if (index < 0)
            {
                changes.Add(change);
            }
            else if (changes[index].Changed)
            {
                changes[index] = changes[index] with { After = change.After };
            }
            else
            {
                changes[index] = change;
            }
        }

        return later with { Changes = changes, RestartNeeded = earlier.RestartNeeded || later.RestartNeeded };
    }
}
