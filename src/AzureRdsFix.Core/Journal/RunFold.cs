using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Core.Journal;

/// <summary>
/// One VM as the journal recorded it: who it is, its last snapshot, what the remediation changed (before-values of the
/// first change, after-values of the latest), whether a remediation started and a restart succeeded since, and where
/// its latest report line is (not the line itself: a big fleet's evidence stays on disk until a writer needs it).
/// </summary>
public sealed class VmState(VmRef vm)
{
    public VmRef Vm { get; internal set; } = vm;

    public SnapshotInfo? Snapshot { get; internal set; }

    public RecordedRemediation? Remediation { get; internal set; }

    public IReadOnlyList<SettingChange>? Planned { get; internal set; }

    public bool RemediationStarted { get; internal set; }

    public bool Restarted { get; internal set; }

    public bool Final { get; internal set; }

    public VmOutcome? Outcome { get; internal set; }

    /// <summary>
    /// The license servers this VM names as a session host (local and Group Policy lists), from its latest probe or
    /// verify; empty when it is no session host. RDS008's fleet check of a resumed run counts the VMs finished before.
    /// </summary>
    public IReadOnlyList<string> NamedLicenseServers { get; internal set; } = [];

    /// <summary>The latest report line: which journal (of a merge), where in it. Null when the VM never finished.</summary>
    public ReportLocation? ReportAt { get; internal set; }

    /// <summary>
    /// What the remediation changed. One that started but whose result was never recorded (the run was cut, or the step
    /// timed out) is read back from the plan made from the probe just before it, which holds the before-values.
    /// </summary>
    public RecordedRemediation? EffectiveRemediation => Remediation ?? (RemediationStarted && Planned is { Count: > 0 } planned
        ? new RecordedRemediation
        {
            Operation = "Apply",
            Status = "Applied",
            Changes = [.. planned.Select(c => new RecordedChange(c.Setting, c.Before, c.After, !string.Equals(c.Before, c.After, StringComparison.OrdinalIgnoreCase)))],
            RestartNeeded = true,
        }
        : null);
}

public readonly record struct ReportLocation(int Journal, long Offset, int Length);

/// <summary>
/// The one fold over a run's events: each VM's latest state and the run's totals. Resume, report, merge and rollback
/// read journals through it; folding several journals in order (shards, attempts) gives each VM its latest outcome.
/// </summary>
public sealed class RunFold
{
    private readonly Dictionary<string, VmState> _vms = new(VmRef.IdComparer);
    private readonly List<ScopeError> _scopeErrors = [];

    public RunStarted? Started { get; private set; }

    public RunFinished? Finished { get; private set; }

    public DateTimeOffset? FirstAt { get; private set; }

    public DateTimeOffset? LastAt { get; private set; }

    public IReadOnlyList<ScopeError> ScopeErrors => _scopeErrors;

    public IReadOnlyCollection<VmState> Vms => _vms.Values;

    /// <summary>The VMs that have a report line, in report order (subscription, then id).</summary>
    public IReadOnlyList<VmState> Reported => _vms.Values
        .Where(v => v.ReportAt is not null)
        .OrderBy(v => v.Vm.SubscriptionId, StringComparer.OrdinalIgnoreCase)
        .ThenBy(v => v.Vm.Id, StringComparer.OrdinalIgnoreCase)
        .ToArray();

    /// <summary>Each VM counted once, by its latest outcome.</summary>
    public ReportSummary Totals
    {
        get
        {
            var byOutcome = Enum.GetValues<VmOutcome>().ToDictionary(o => o.ToString(), _ => 0);
            var total = 0;
            foreach (var vm in _vms.Values)
            {
                if (vm.Outcome is { } outcome)
                {
                    byOutcome[outcome.ToString()]++;
                    total++;
                }
            }

            return new ReportSummary(total, byOutcome);
        }
    }

    public VmState? Vm(string id) => _vms.GetValueOrDefault(id);

    public void Apply(JournalLine line, int journal = 0) => Apply(line.Event, new ReportLocation(journal, line.Offset, line.Length));

    public void Apply(JournalEvent journalEvent, ReportLocation location = default)
    {
        FirstAt ??= journalEvent.At;
        LastAt = journalEvent.At;
        switch (journalEvent)
        {
            case RunStarted started:
                // A resume of the same run: scope errors are those of its latest attempt. Another run (a shard of a
                // merge) adds its own.
                if (Started is not null && Started.RunId == started.RunId)
                {
                    _scopeErrors.Clear();
                }

                Started ??= started;
                Finished = null;
                break;
            case RunFinished finished:
                Finished = finished;
                break;
            case ScopeFailed failed when !_scopeErrors.Contains(failed.Error):
                _scopeErrors.Add(failed.Error);
                break;
            case VmDiscovered discovered:
                if (_vms.TryGetValue(discovered.Vm.Id, out var known))
                {
                    known.Vm = discovered.Vm;
                }
                else
                {
                    _vms[discovered.Vm.Id] = new VmState(discovered.Vm);
                }

                break;
            case StepStarted { Step: JournalStep.Remediate } started when _vms.TryGetValue(started.VmId, out var vm):
                vm.RemediationStarted = true;
                break;
            case StepFinished finished when _vms.TryGetValue(finished.VmId, out var vm):
                ApplyStep(vm, finished);
                break;
            case VmFinished outcome when _vms.TryGetValue(outcome.VmId, out var vm):
                vm.Outcome = outcome.Report.Outcome;
                vm.Final = outcome.Final;
                vm.ReportAt = location;
                break;
            case VmFinished outcome:
                // A VM whose discovery record is missing (a hand-trimmed journal) still counts by its report line.
                var report = outcome.Report;
                _vms[outcome.VmId] = new VmState(new VmRef(report.Id, report.Name, report.SubscriptionId, report.ResourceGroup, report.Location, new Dictionary<string, string>()))
                {
                    Outcome = report.Outcome,
                    Final = outcome.Final,
                    ReportAt = location,
                };
                break;
        }
    }

    private static void ApplyStep(VmState vm, StepFinished step)
    {
        if (step.Status != StepStatus.Succeeded)
        {
            return;
        }

        switch (step.Step)
        {
            case JournalStep.Snapshot when step.Snapshot is not null:
                vm.Snapshot = step.Snapshot;
                break;
            case JournalStep.Plan when step.Changes is { Count: > 0 } && vm.Planned is null:
                vm.Planned = step.Changes;
                break;
            case JournalStep.Remediate when step.Remediation is not null:
                vm.Remediation = vm.Remediation is null ? step.Remediation : Merge(vm.Remediation, step.Remediation);
                break;
            case JournalStep.Restart:
                vm.Restarted = true;
                break;
            case JournalStep.Probe or JournalStep.Verify when step.Detail is System.Text.Json.Nodes.JsonObject detail:
                vm.NamedLicenseServers = NamedLicenseServers(detail);
                break;
        }
    }

    private static IReadOnlyList<string> NamedLicenseServers(System.Text.Json.Nodes.JsonObject detail)
    {
        try
        {
            // Evidence as the guest sent it: parts may be null (a guest answer that parses but lacks them).
            var facts = System.Text.Json.JsonSerializer.Deserialize<Probing.ProbeFacts>(detail);
            return facts is { Rdsh: not null, LicenseServers: { Local: not null, Policy: not null } servers } && facts.RdshInstalled
                ? [.. servers.Local, .. servers.Policy]
                : [];
        }
        catch (System.Text.Json.JsonException)
        {
            return []; // evidence a person trimmed or an older tool wrote: the fleet check then knows less, never more
        }
    }

    /// <summary>
    /// A VM remediated again (a resumed run): each setting keeps the before-value of the first change that touched it —
    /// the VM's original — and the latest after-value.
    /// </summary>
    private static RecordedRemediation Merge(RecordedRemediation earlier, RecordedRemediation later)
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
