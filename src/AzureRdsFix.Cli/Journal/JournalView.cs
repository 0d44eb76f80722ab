using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Journal;

/// <summary>
/// One VM as a journal recorded it: who it is, its last snapshot, what the remediation changed (before-values of the
/// first change, after-values of the latest), whether a remediation started and a restart succeeded, and its last
/// outcome with whether that outcome was final.
/// </summary>
public sealed record JournaledVm(VmRef Vm, SnapshotInfo? Snapshot, RemediationResult? Remediation, VmReport? LastReport)
{
    public bool RemediationStarted { get; init; }

    public bool Restarted { get; init; }

    public bool Final { get; init; }
}

/// <summary>The one reader of a journal: what `--resume`, `rollback` and `report` need from an earlier run.</summary>
public sealed class JournalView(IReadOnlyList<JournalEntry> entries)
{
    /// <summary>Reads a run's journal; one that does not start with a run's record is not a journal this tool wrote.</summary>
    public static JournalView Open(string path)
    {
        var entries = JournalReader.Read(path);
        return entries[0].Type == JournalTypes.RunStarted
            ? new JournalView(entries)
            : throw new Arguments.UsageException($"Journal '{path}' does not start with a run-started record: expected the journal.jsonl of an earlier azrdsfix run.");
    }

    public IReadOnlyList<JournalEntry> Entries => entries;

    public string? RunId => entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted)?.RunId;

    public string? Command => entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted)?.Data?["command"]?.GetValue<string>();

    /// <summary>The run options as the run recorded them (no secret is ever recorded).</summary>
    public JsonObject? RecordedOptions => entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted)?.Data as JsonObject;

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
        var planned = new Dictionary<string, SettingChange[]>(VmRef.IdComparer);
        var started = new HashSet<string>(VmRef.IdComparer);
        var restarted = new HashSet<string>(VmRef.IdComparer);
        var final = new Dictionary<string, bool>(VmRef.IdComparer);
        foreach (var entry in entries.Where(e => e.VmId is not null && e.Step == JournalSteps.Restart && e.Status == StepStatus.Succeeded))
        {
            restarted.Add(entry.VmId!);
        }

        foreach (var entry in entries.Where(e => e.VmId is not null && e.Step == JournalSteps.Remediate && e.Status == StepStatus.Started))
        {
            started.Add(entry.VmId!);
        }

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
                case (JournalTypes.Step, JournalSteps.Plan, StepStatus.Succeeded) when entry.Data!["changes"] is JsonArray { Count: > 0 } changes:
                    planned.TryAdd(id, changes.Deserialize<SettingChange[]>()!);
                    break;
                case (JournalTypes.VmOutcome, _, _) when entry.Data!["report"] is { } report:
                    reports[id] = ReportJson.FromNode(report);
                    final[id] = entry.Data["final"]?.GetValue<bool>() == true;
                    break;
            }
        }

        // A remediation that started but whose result was never recorded (the run was cut, or the step timed out): the
        // plan made from the probe just before it holds the before-values, so rollback can still put them back.
        foreach (var id in started.Where(id => !remediations.ContainsKey(id) && planned.ContainsKey(id)))
        {
            remediations[id] = new RemediationResult
            {
                Operation = "Apply",
                Status = RemediationStatus.Applied,
                Changes = [.. planned[id].Select(c => new RemediationChange(c.Setting, c.Before, c.After, !string.Equals(c.Before, c.After, StringComparison.OrdinalIgnoreCase)))],
                RestartNeeded = true,
            };
        }

        return refs.Values
            .Select(vm => new JournaledVm(vm, snapshots.GetValueOrDefault(vm.Id), remediations.GetValueOrDefault(vm.Id), reports.GetValueOrDefault(vm.Id))
            {
                RemediationStarted = started.Contains(vm.Id),
                Restarted = restarted.Contains(vm.Id),
                Final = final.GetValueOrDefault(vm.Id),
            })
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
