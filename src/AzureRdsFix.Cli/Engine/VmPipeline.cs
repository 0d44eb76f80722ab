using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Snapshots;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Core.Diagnosis;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Rules;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// One VM's way through the tool: triage, probe, diagnose, then (plan) the changes, then (fix) snapshot, remediate,
/// restart, verify. Every path ends in exactly one <see cref="VmReport"/>; no in-guest change happens without a snapshot
/// recorded as Succeeded.
/// </summary>
public sealed partial class VmPipeline(EnginePorts ports, RunArguments args, string runId, StepRunner steps, TimeProvider time, FleetLicenseServers? fleet = null)
{
    private readonly RuleContext _rules = new(args.WarnDays);
    private readonly FleetLicenseServers _fleet = fleet ?? new FleetLicenseServers(args.Fix?.LicenseServers ?? []);
    private readonly GuestOperations _guest = new(ports, steps);

    /// <summary>
    /// Runs the VM's way through the tool. The result is final unless a step after the remediation started failed: then
    /// the guest may be changed but not verified, and a resumed run re-probes the VM and finishes it.
    /// </summary>
    public Task<PipelineResult> ProcessAsync(DiscoveredVm item, PriorVmState? prior, CancellationToken cancellationToken)
        => ProcessAsync(item, prior, deferred: null, cancellationToken);

    /// <summary>A VM deferred after its probe (<see cref="PipelineResult.Deferred"/>), once every other VM of the run was probed.</summary>
    public Task<PipelineResult> ContinueAsync(DeferredVm deferred, PriorVmState? prior, CancellationToken cancellationToken)
        => ProcessAsync(deferred.Item, prior, deferred, cancellationToken);

    private Task<PipelineResult> ProcessAsync(DiscoveredVm item, PriorVmState? prior, DeferredVm? deferred, CancellationToken cancellationToken)
        => GuardAsync(item.Vm, rollback: false, attempt => ProcessCoreAsync(item, prior, deferred, attempt, cancellationToken), cancellationToken, deferred?.StartedAt);

    private async Task<VmReport> ProcessCoreAsync(DiscoveredVm item, PriorVmState? prior, DeferredVm? deferred, VmAttempt attempt, CancellationToken cancellationToken)
    {
        var vm = item.Vm;
        attempt.GuestMayBeChanged = prior is { RemediationStarted: true };
        if (item.Os == OsKind.Linux)
        {
            return VmResult.For(vm, VmOutcome.NotApplicable, "Linux VM: Remote Desktop licensing does not apply.", attempt.Elapsed());
        }

        TriageFacts triage;
        bool serial;
        ProbeFacts facts;
        if (deferred is not null)
        {
            (triage, serial, facts) = (deferred.Triage, deferred.Serial, deferred.Facts);
            attempt.Channel = ChannelOf(serial);
        }
        else
        {
            triage = await steps.RunAsync(vm, JournalStep.Triage, ct => ports.Inspector.GetTriageAsync(vm, ct), Describe, cancellationToken);
            if (triage.Os == OsKind.Linux)
            {
                return VmResult.For(vm, VmOutcome.NotApplicable, "Linux VM: Remote Desktop licensing does not apply.", attempt.Elapsed());
            }

            if (prior is not null && triage.Os == OsKind.Windows && triage.Power == PowerState.Starting)
            {
                // The cut run was restarting it: wait (bounded) for it to run again, then re-probe and verify as usual.
                triage = await steps.RunAsync(vm, JournalStep.Triage, ct => ports.Power.WaitUntilRunningAsync(vm, args.Execution.Channel != ChannelChoice.SerialConsole, ct), Describe, cancellationToken);
            }

            if (UseSerial(triage) is not { } useSerial)
            {
                // A guest the cut run changed stays to be verified: a later resume finishes it once it can be reached.
                attempt.Final = prior is not { RemediationStarted: true };
                return VmResult.For(vm, VmOutcome.Unreachable, UnreachableReason(triage), attempt.Elapsed());
            }

            serial = useSerial;
            attempt.Channel = ChannelOf(serial);
            facts = await ProbeAsync(vm, triage, JournalStep.Probe, serial, cancellationToken);
            _fleet.Observe(facts);
            if (FleetLicenseServers.DependsOnFleet(facts))
            {
                // Whether its licensing role is used depends on every session host of the run: diagnosed at the end.
                attempt.Deferred = new DeferredVm(item, triage, serial, facts, attempt.Started);
                return VmResult.For(vm, VmOutcome.NotApplicable, "Waiting for the rest of the run to be probed.", attempt.Elapsed(), attempt.Channel);
            }
        }

        var channel = attempt.Channel;
        var diagnosis = Diagnoser.Diagnose(facts, deferred is null ? _rules : _rules with { FleetLicenseServers = _fleet.Current });
        await steps.RecordAsync(vm, JournalStep.Diagnose, StepStatus.Succeeded, new JsonObject
        {
            ["outcome"] = diagnosis.Outcome.ToString(),
            ["findings"] = new JsonArray(diagnosis.Findings.Select(f => (JsonNode)f.RuleId).ToArray()),
        });

        if (args.Fix is null)
        {
            return Report(vm, diagnosis.Outcome, diagnosis.Reason, diagnosis, attempt.Elapsed(), channel);
        }

        var plan = Planner.Plan(facts, diagnosis, ToRequest(args.Fix));
        await steps.RecordAsync(vm, JournalStep.Plan, StepStatus.Succeeded, new JsonObject
        {
            ["outcome"] = plan.Outcome.ToString(),
            ["changes"] = JsonSerializer.SerializeToNode(plan.Changes),
        });

        if (args.Command == RunCommand.Fix && !plan.HasChanges && prior is { Snapshot: not null, RemediationStarted: true })
        {
            return await FinishResumedFixAsync(vm, triage, prior, diagnosis, attempt.Elapsed, serial, cancellationToken);
        }

        if (args.Command == RunCommand.Plan || !plan.HasChanges)
        {
            return Report(vm, plan.Outcome, plan.Reason, diagnosis, attempt.Elapsed(), channel) with { Changes = plan.Changes };
        }

        return await FixAsync(item, triage, facts, prior, diagnosis, attempt.Elapsed, serial, cancellationToken);
    }

    /// <summary>
    /// Runs one VM's work so that every path ends in exactly one report with its real duration and channel: a failed step
    /// ends that VM (Unreachable or Failed, in one sentence), and so does any surprise, never the run.
    /// </summary>
    private async Task<PipelineResult> GuardAsync(VmRef vm, bool rollback, Func<VmAttempt, Task<VmReport>> work, CancellationToken cancellationToken, long? startedAt = null)
    {
        var attempt = new VmAttempt(time, startedAt);
        try
        {
            var report = await work(attempt);
            return new PipelineResult(report, attempt.Final) { Deferred = attempt.Deferred };
        }
        catch (StepFailedException ex)
        {
            // After a fix's remediation started (in this run or a cut one), the guest may be changed but not verified: a
            // resumed run finishes it. A rollback puts recorded values back and is simply run again.
            var final = rollback || (ex.Step is not (JournalStep.Remediate or JournalStep.Restart or JournalStep.Verify) && !attempt.GuestMayBeChanged);
            var outcome = ex.Failure.Kind == AzureErrorKind.Unreachable ? VmOutcome.Unreachable : VmOutcome.Failed;
            var resumeHint = final ? string.Empty : " The guest may already be changed: resume the run to re-probe and finish this VM.";
            var reason = outcome == VmOutcome.Unreachable && attempt.Channel == GuestChannelKind.SerialConsole
                ? ex.Message
                : $"{(rollback ? $"Rollback {ex.Step.Name()}" : Capitalize(ex.Step.Name()))} failed: {ex.Message}{resumeHint}";
            return new PipelineResult(VmResult.For(vm, outcome, reason, attempt.Elapsed(), attempt.Channel, ex.Message), final);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Anything else (a guest answer that parses but lacks parts, a bug) ends this VM, never the run; the journal
            // already holds every step that was recorded, a remediation result included.
            var message = $"Unexpected {ex.GetType().Name}: {ex.Message}";
            return new PipelineResult(VmResult.For(vm, VmOutcome.Failed, $"{(rollback ? "Rollback" : "Processing this VM")} failed: {message}", attempt.Elapsed(), attempt.Channel, message));
        }
    }

    private async Task<VmReport> FixAsync(DiscoveredVm item, TriageFacts triage, ProbeFacts facts, PriorVmState? prior, Diagnosis diagnosis, Func<long> elapsed, bool serial, CancellationToken cancellationToken)
    {
        var channel = ChannelOf(serial);
        var vm = item.Vm;
        var fix = args.Fix!;
        var snapshot = prior?.Snapshot;
        if (snapshot is not null)
        {
            // Recorded by the cut run, maybe long ago: read it back before relying on it. One that is gone is no snapshot.
            var recorded = snapshot;
            snapshot = await steps.RunAsync(
                vm,
                JournalStep.SnapshotCheck, // on resume: the read-back of the snapshot the cut run recorded
                ct => ports.Snapshots.GetSnapshotAsync(recorded.Id, ct),
                s => s is null ? new JsonObject { ["id"] = recorded.Id, ["exists"] = false } : JsonSerializer.SerializeToNode(s),
                cancellationToken);
        }

        if (snapshot is null)
        {
            if (item.EphemeralOsDisk)
            {
                return Report(vm, VmOutcome.NeedsAttention, "The OS disk is an ephemeral OS disk (diffDiskSettings Local), and ephemeral OS disks cannot be snapshotted, so no snapshot can be taken; nothing was changed. Fix this VM by hand or redeploy it from a fixed image.", diagnosis, elapsed(), channel);
            }

            if (item.OsDiskId is null)
            {
                return Report(vm, VmOutcome.NeedsAttention, "The OS disk is not a managed disk, so no snapshot can be taken; nothing was changed.", diagnosis, elapsed(), channel);
            }

            var tags = new Dictionary<string, string>
            {
                ["azrdsfix-run"] = runId,
                ["azrdsfix-source-vm"] = vm.Name,
                ["created-by"] = "azrdsfix",
            };
            snapshot = await steps.RunAsync(
                vm,
                JournalStep.Snapshot,
                ct => ports.Snapshots.CreateVerifiedSnapshotAsync(vm, item.OsDiskId, SnapshotNaming.For(runId, vm.Name), tags, ct),
                s => JsonSerializer.SerializeToNode(s),
                cancellationToken);
        }

        if (!string.Equals(snapshot.State, "Succeeded", StringComparison.OrdinalIgnoreCase))
        {
            return Report(vm, VmOutcome.Failed, $"The OS disk snapshot {snapshot.Id} is {snapshot.State}, not Succeeded; nothing was changed.", diagnosis, elapsed(), channel) with { Snapshot = snapshot };
        }

        var parameters = RemediationParameters.Apply(fix.RemoveRdsh ? null : fix.LicensingMode, fix.LicenseServers, fix.RemoveRdsh, fix.RemoveLicensingRole);
        var remediation = await RemediateAsync(vm, triage, parameters, serial, cancellationToken);
        var changes = remediation.Changes.Select(c => new SettingChange(c.Setting, c.Before, c.After)).ToArray();
        if (remediation.Status == RemediationStatus.Blocked)
        {
            var reason = remediation.Blocked switch
            {
                RemediationBlock.GroupPolicy => $"Group Policy sets {PolicyValues(facts)}, so nothing was changed locally: fix it in Group Policy.",
                RemediationBlock.LicensesInstalled => $"{remediation.Error?.Message} [{remediation.Error?.ErrorId}] Nothing was changed: move or remove the CALs first.",
                RemediationBlock.NotRestorable => $"The current {string.Join(" and ", remediation.Changes.Where(c => c.BeforeType is not null).Select(c => $"{c.Setting} ({c.BeforeType})"))} could not be put back by a rollback exactly as it is, so nothing was changed; the raw value is in the journal.",
                _ => $"The guest cannot reach {string.Join(", ", remediation.Unreachable)} on TCP 135, so it was not configured; nothing was changed.",
            };
            return Report(vm, VmOutcome.NeedsAttention, reason, diagnosis, elapsed(), channel) with { Snapshot = snapshot };
        }

        if (remediation.Error is { } guestError)
        {
            // The guest failed after writing some changes (role removal comes last): report them with the error, so that
            // the journal keeps them for rollback, and stop before a restart or a verify that would hide the failure.
            var written = string.Join(", ", changes.Where(c => c.Before != c.After).Select(c => $"{c.Setting} {c.Before ?? "(none)"} -> {c.After ?? "(none)"}"));
            return Report(vm, VmOutcome.Failed, $"The remediation failed in the guest after changing {(written.Length > 0 ? written : "nothing")}: {guestError.Message} [{guestError.ErrorId}]", diagnosis, elapsed(), channel) with { Snapshot = snapshot, Changes = changes };
        }

        var restarted = false;
        if (remediation.RestartNeeded && fix.Restart == RestartPolicy.Auto)
        {
            triage = await steps.RunAsync(vm, JournalStep.Restart, ct => ports.Power.RestartAsync(vm, !serial, ct), Describe, cancellationToken);
            restarted = true;
        }

        var verified = await ProbeAsync(vm, triage, JournalStep.Verify, serial, cancellationToken);
        var after = Diagnoser.Diagnose(verified, _rules);
        var summary = string.Join(", ", changes.Where(c => c.Before != c.After).Select(c => $"{c.Setting} {c.Before ?? "(none)"} -> {c.After ?? "(none)"}"));
        if (remediation.RestartNeeded && !restarted)
        {
            return Report(vm, VmOutcome.FixedPendingRestart, $"Changed {summary}; takes effect after a restart (--restart never).", diagnosis, elapsed(), channel) with { Snapshot = snapshot, Changes = changes };
        }

        return after.Outcome is VmOutcome.Healthy or VmOutcome.NotApplicable
            ? Report(vm, VmOutcome.Fixed, $"Changed {(summary.Length > 0 ? summary : "nothing further")}; verified by a fresh probe{(restarted ? " after restart" : string.Empty)}.", diagnosis, elapsed(), channel) with { Snapshot = snapshot, Changes = changes }
            : Report(vm, VmOutcome.Failed, $"Changed {summary}, but verification still finds: {after.Reason}", diagnosis, elapsed(), channel) with { Snapshot = snapshot, Changes = changes };
    }

    /// <summary>
    /// The cut run had changed this VM (the fresh probe finds nothing left to change). What may be missing is the restart
    /// that makes the change effective: do it unless the journal shows it was done, then verify as a fix would.
    /// </summary>
    private async Task<VmReport> FinishResumedFixAsync(VmRef vm, TriageFacts triage, PriorVmState prior, Diagnosis diagnosis, Func<long> elapsed, bool serial, CancellationToken cancellationToken)
    {
        var channel = ChannelOf(serial);
        // A remediation whose result was never recorded is read back from the plan made just before it (JournalView).
        var changes = prior.Remediation?.Changes.Select(c => new SettingChange(c.Setting, c.Before, c.After)).ToArray() ?? [];
        var needsRestart = (prior.Remediation?.RestartNeeded ?? true) && !prior.Restarted;
        if (needsRestart && args.Fix!.Restart == RestartPolicy.Never)
        {
            return Report(vm, VmOutcome.FixedPendingRestart, "The change made before the run was cut is in place; it takes effect after a restart (--restart never).", diagnosis, elapsed(), channel) with { Snapshot = prior.Snapshot, Changes = changes };
        }

        if (needsRestart)
        {
            triage = await steps.RunAsync(vm, JournalStep.Restart, ct => ports.Power.RestartAsync(vm, !serial, ct), Describe, cancellationToken);
        }

        var after = Diagnoser.Diagnose(await ProbeAsync(vm, triage, JournalStep.Verify, serial, cancellationToken), _rules);
        return after.Outcome is VmOutcome.Healthy or VmOutcome.NotApplicable
            ? Report(vm, VmOutcome.Fixed, $"The change made before the run was cut is in place; verified by a fresh probe{(needsRestart ? " after restart" : string.Empty)} on resume.", diagnosis, elapsed(), channel) with { Snapshot = prior.Snapshot, Changes = changes }
            : Report(vm, VmOutcome.Failed, $"Resumed after the run was cut, verification still finds: {after.Reason}", diagnosis, elapsed(), channel) with { Snapshot = prior.Snapshot, Changes = changes };
    }

    private Task<ProbeFacts> ProbeAsync(VmRef vm, TriageFacts triage, JournalStep step, bool serial, CancellationToken cancellationToken)
        => _guest.ProbeAsync(vm, triage, step, cancellationToken, serial);

    private Task<RemediationResult> RemediateAsync(VmRef vm, TriageFacts triage, RemediationParameters parameters, bool serial, CancellationToken cancellationToken)
        => _guest.RemediateAsync(vm, triage, parameters, cancellationToken, serial);

    /// <summary>
    /// Which channel reaches the guest (DESIGN.md): --channel auto takes Run Command when the agent is Ready, else the
    /// serial console when an account was given and the VM runs; null when neither can.
    /// </summary>
    private bool? UseSerial(TriageFacts triage) => args.Execution.Channel switch
    {
        ChannelChoice.RunCommand => triage.CanRunCommand ? false : null,
        ChannelChoice.SerialConsole => SerialPossible(triage) ? true : null,
        _ => triage.CanRunCommand ? false : SerialPossible(triage) ? true : null,
    };

    private static GuestChannelKind ChannelOf(bool serial) => serial ? GuestChannelKind.SerialConsole : GuestChannelKind.RunCommand;

    private bool SerialPossible(TriageFacts triage) =>
        ports.Serial is { HasCredentials: true } && triage.Os == OsKind.Windows && triage.Power == PowerState.Running;

    private static FixRequest ToRequest(FixArguments fix) => new(fix.LicenseServers, fix.RemoveRdsh ? null : fix.LicensingMode, fix.RemoveRdsh, fix.RemoveLicensingRole);

    private static VmReport Report(VmRef vm, VmOutcome outcome, string reason, Diagnosis diagnosis, long durationMs, GuestChannelKind? channel)
        => VmResult.For(vm, outcome, reason, durationMs, channel) with { Findings = diagnosis.Findings };

    private static JsonNode Describe(TriageFacts triage) => new JsonObject
    {
        ["os"] = triage.Os.ToString(),
        ["power"] = triage.Power.ToString(),
        ["agent"] = triage.Agent.ToString(),
        ["extensionOperationsAllowed"] = triage.ExtensionOperationsAllowed,
        ["agentStatusTime"] = triage.AgentStatusTime?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    private string UnreachableReason(TriageFacts triage) => triage.Power switch
    {
        PowerState.Deallocated or PowerState.Deallocating => "The VM is deallocated: start it, then run again (Run Command needs a running VM).",
        PowerState.Stopped or PowerState.Stopping => "The VM is stopped: start it, then run again (Run Command needs a running VM).",
        PowerState.Running when !triage.ExtensionOperationsAllowed => "Extension operations are turned off on this VM (osProfile.allowExtensionOperations is false), so Run Command, an extension, cannot reach the guest; nothing was sent. Allow extension operations or check the VM by hand.",
        PowerState.Running when triage.Agent != AgentState.Ready && args.Execution.Channel == ChannelChoice.RunCommand =>
            $"The VM agent is {(triage.Agent == AgentState.NotReady ? "Not Ready" : "not reporting")}, so Run Command cannot reach the guest; check the agent, or let the tool use the serial console (--channel auto with {OptionNames.SerialUser} and {OptionNames.SerialPasswordVariable}).",
        PowerState.Running when triage.Agent != AgentState.Ready =>
            $"The VM agent is {(triage.Agent == AgentState.NotReady ? "Not Ready" : "not reporting")}, so Run Command cannot reach the guest; give {OptionNames.SerialUser} (and {OptionNames.SerialDomain}) with the password in {OptionNames.SerialPasswordVariable} to reach it over the serial console, or check the agent.",
        _ => $"The VM's power state is {triage.Power}, so Run Command cannot reach the guest.",
    };

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string PolicyValues(ProbeFacts facts)
    {
        var parts = new List<string>();
        if (facts.LicensingMode.Policy is { } mode)
        {
            parts.Add($"LicensingMode {mode}");
        }

        if (facts.LicenseServers.Policy.Count > 0)
        {
            parts.Add($"LicenseServers {string.Join(",", facts.LicenseServers.Policy)}");
        }

        return parts.Count > 0
            ? string.Join(" and ", parts) + @" (HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services)"
            : "the licensing mode or license servers";
    }
}

/// <summary>
/// One VM's time in the pipeline: when it started (a deferred VM keeps its first start), once chosen the channel that
/// reaches its guest, and whether it was set aside for the rest of the run.
/// </summary>
internal sealed class VmAttempt(TimeProvider time, long? startedAt = null)
{
    public long Started { get; } = startedAt ?? time.GetTimestamp();

    public GuestChannelKind? Channel { get; set; }

    public DeferredVm? Deferred { get; set; }

    /// <summary>False when the VM's report is not its last word (a resumed run finishes it).</summary>
    public bool Final { get; set; } = true;

    /// <summary>A cut run started changing this guest: any failure leaves it for a resume to verify.</summary>
    public bool GuestMayBeChanged { get; set; }

    public long Elapsed() => (long)time.GetElapsedTime(Started).TotalMilliseconds;
}

/// <summary>
/// One VM's report, and whether it is final (a resumed run skips final VMs). Deferred: the VM was probed but its
/// diagnosis waits for the rest of the run (RDS008's fleet check); the report is a placeholder nobody records.
/// </summary>
public sealed record PipelineResult(VmReport Report, bool Final = true)
{
    public DeferredVm? Deferred { get; init; }
}

/// <summary>A VM probed and set aside until every other VM of the run was probed.</summary>
public sealed record DeferredVm(DiscoveredVm Item, TriageFacts Triage, bool Serial, ProbeFacts Facts, long StartedAt);

/// <summary>What an earlier, cut run recorded about a VM (from --resume): its snapshot, whether remediation started, its result if recorded, whether the VM was restarted since.</summary>
public sealed record PriorVmState(SnapshotInfo? Snapshot, bool RemediationStarted, RemediationResult? Remediation = null, bool Restarted = false);
