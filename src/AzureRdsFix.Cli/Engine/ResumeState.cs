using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// What --resume takes from an earlier run's journal: the VMs that reached a final outcome (not touched again) and, for
/// the others, the snapshot already taken (never taken twice) and whether remediation had started (the VM is
/// re-probed before anything else happens to it — which the pipeline always does first).
/// </summary>
public sealed record ResumeState(
    string? RunId,
    string? Command,
    System.Text.Json.Nodes.JsonObject? RecordedOptions,
    IReadOnlyDictionary<string, VmReport> FinalReports,
    IReadOnlyDictionary<string, PriorVmState> Prior)
{
    public static readonly ResumeState None = new(null, null, null, new Dictionary<string, VmReport>(), new Dictionary<string, PriorVmState>());

    public static ResumeState From(IReadOnlyList<JournalEntry> entries)
    {
        var started = entries.FirstOrDefault(e => e.Type == JournalTypes.RunStarted);
        var finals = new Dictionary<string, VmReport>(VmRef.IdComparer);
        var snapshots = new Dictionary<string, SnapshotInfo>(VmRef.IdComparer);
        var remediating = new HashSet<string>(VmRef.IdComparer);
        var remediated = new Dictionary<string, Guest.RemediationResult>(VmRef.IdComparer);
        var restarted = new HashSet<string>(VmRef.IdComparer);
        var planned = new Dictionary<string, SettingChange[]>(VmRef.IdComparer);
        foreach (var entry in entries.Where(e => e.VmId is not null))
        {
            var vmId = entry.VmId!;
            if (entry.Type == JournalTypes.VmOutcome && entry.Data?["final"]?.GetValue<bool>() == true && entry.Data["report"] is { } report)
            {
                // For progress only (the final report is read from the journal): evidence and changes are not kept.
                finals[vmId] = ReportJson.FromNode(report) with { Findings = [], Changes = [] };
            }
            else if (entry.Type == JournalTypes.Step && entry.Step == JournalSteps.Snapshot && entry.Status == StepStatus.Succeeded && entry.Data is { } data)
            {
                snapshots[vmId] = data.Deserialize<SnapshotInfo>(JsonSerializerOptions.Web)!;
            }
            else if (entry.Type == JournalTypes.Step && entry.Step == JournalSteps.Remediate && entry.Status == StepStatus.Started)
            {
                remediating.Add(vmId);
            }
            else if (entry.Type == JournalTypes.Step && entry.Step == JournalSteps.Remediate && entry.Status == StepStatus.Succeeded && entry.Data is { } result)
            {
                // The first result holds the true before-values; a later one (after a resume) sees the changed guest.
                remediated.TryAdd(vmId, result.Deserialize<Guest.RemediationResult>()!);
            }
            else if (entry.Type == JournalTypes.Step && entry.Step == JournalSteps.Plan && entry.Data?["changes"] is JsonArray { Count: > 0 } changes)
            {
                planned.TryAdd(vmId, changes.Deserialize<SettingChange[]>()!);
            }
            else if (entry.Type == JournalTypes.Step && entry.Step == JournalSteps.Restart && entry.Status == StepStatus.Succeeded)
            {
                restarted.Add(vmId);
            }
        }

        var prior = snapshots.Keys.Concat(remediating).Distinct(VmRef.IdComparer).Where(id => !finals.ContainsKey(id))
            .ToDictionary(
                id => id,
                id => new PriorVmState(snapshots.GetValueOrDefault(id), remediating.Contains(id), remediated.GetValueOrDefault(id), restarted.Contains(id))
                {
                    PlannedChanges = planned.GetValueOrDefault(id) ?? [],
                },
                VmRef.IdComparer);
        return new ResumeState(started?.RunId, started?.Data?["command"]?.GetValue<string>(), started?.Data as System.Text.Json.Nodes.JsonObject, finals, prior);
    }
}
