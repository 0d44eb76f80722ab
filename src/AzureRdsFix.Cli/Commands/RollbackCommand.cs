using System.Collections.Concurrent;
using System.CommandLine;
using System.Text.Json.Nodes;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Engine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Commands;

/// <summary>
/// `azrdsfix rollback --journal PATH`: puts back the before-values a fix recorded (the remediation script in Restore
/// mode), restarts where needed, verifies with a fresh probe. A removed role cannot be put back in-guest: for those the
/// report says how to restore the OS disk from the snapshot the fix recorded.
/// </summary>
public sealed class RollbackCommand(CliServices services, RunOptions options)
{
    private readonly Option<string> _journal = new(OptionNames.Journal) { Description = "The journal.jsonl of the fix run to roll back.", Required = true };
    private readonly Option<bool> _yes = new(OptionNames.Yes) { Description = "Do not ask for confirmation (required without a terminal)." };

    public Command Build()
    {
        var command = new Command("rollback", "Put back the before-values a fix recorded in its journal, restart as needed, and verify.");
        command.Options.Add(_journal);
        options.AddConnectionOptions(command);
        options.AddOutputOptions(command);
        command.Options.Add(_yes);
        command.SetAction((result, ct) => ExecuteAsync(result.GetValue(_journal)!, options.BindConnection(result), options.BindOutput(result), result.GetValue(_yes), ct));
        return command;
    }

    private async Task<int> ExecuteAsync(string journalPath, ConnectionArguments connectionArgs, OutputArguments output, bool yes, CancellationToken cancellationToken)
    {
        var source = JournalView.Open(Path.GetFullPath(journalPath, services.Environment.CurrentDirectory));
        if (source.Command != "fix")
        {
            throw new UsageException($"{OptionNames.Journal} '{journalPath}' is the journal of a {source.Command ?? "unknown"} run: rollback needs the journal of a fix run.");
        }

        var targets = source.Vms().Where(v => v.Remediation?.Changes.Any(c => c.Changed) == true).ToArray();
        if (!yes && !await Confirmation.AskAsync(services.IO, "rollback", $"rollback will put back the recorded before-values on {targets.Length} VM(s) and may restart them."))
        {
            return ExitCodes.BadInput;
        }

        var runId = RunIdentity.NewRunId(services.Time);
        var folder = RunFolder.Choose(services.Environment.CurrentDirectory, output.OutDir, journalArg: null, resumePath: null, runId);
        var outDir = folder.OutDir;
        var connection = ArmConnection.Options(services, connectionArgs);
        var client = ArmConnection.Create(services, connection);
        var ports = EnginePortsFactory.Create(client, services.GuestChannel, services.Power, services.Time, connection.Scheduler);
        var startedAt = services.Time.GetUtcNow();
        await using var journal = new JournalWriter(folder.JournalPath);
        await journal.AppendAsync(new JournalEntry
        {
            At = startedAt,
            Type = JournalTypes.RunStarted,
            RunId = runId,
            Data = new JsonObject { ["command"] = "rollback", ["journal"] = Path.GetFullPath(journalPath, services.Environment.CurrentDirectory), ["of"] = source.RunId },
        });

        IRunObserver observer = output.Quiet ? new SilentProgress() : new PlainProgress(services.IO.Out);
        var steps = new StepRunner(runId, journal, observer, services.Time, TimeSpan.FromMinutes(15));
        var guest = new GuestOperations(ports, steps);
        var reports = new ConcurrentBag<VmReport>();
        var cancelled = false;
        try
        {
            await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (target, ct) =>
            {
                observer.Discovered(target.Vm);
                var report = await RollBackAsync(ports, steps, guest, target, ct);
                await journal.AppendAsync(new JournalEntry { At = services.Time.GetUtcNow(), Type = JournalTypes.VmOutcome, RunId = runId, VmId = target.Vm.Id, Data = new JsonObject { ["final"] = true, ["report"] = ReportJson.ToNode(report) } });
                reports.Add(report);
                observer.Completed(report);
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        var report = new RunReport
        {
            Tool = new ToolInfo("azrdsfix", ToolVersion.Current),
            RunId = runId,
            Command = "rollback",
            StartedAt = startedAt,
            FinishedAt = services.Time.GetUtcNow(),
            Vms = reports.OrderBy(v => v.SubscriptionId, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Id, StringComparer.OrdinalIgnoreCase).ToArray(),
        };
        return await RunOutput.FinishAsync(services, report, output, outDir, journal, cancelled, authFailedEverywhere: false);
    }

    private static async Task<VmReport> RollBackAsync(EnginePorts ports, StepRunner steps, GuestOperations guest, JournaledVm target, CancellationToken cancellationToken)
    {
        var vm = target.Vm;
        var changes = target.Remediation!.Changes.Where(c => c.Changed).ToArray();
        var roles = changes.Where(c => c.Setting is RemediationSettings.RdshRole or RemediationSettings.LicensingRole).ToArray();
        var settings = changes.Except(roles).ToArray();
        var roleNote = roles.Length == 0
            ? string.Empty
            : $" {string.Join(" and ", roles.Select(r => r.Setting))} was removed and cannot be reinstalled in-guest: to undo that, create a disk from snapshot {target.Snapshot?.Id ?? "(none recorded)"} and swap it in as the OS disk (az disk create --source <snapshot id>, then az vm update --os-disk <new disk>).";
        try
        {
            if (settings.Length == 0)
            {
                return Result(vm, VmOutcome.NeedsAttention, roleNote.Trim(), [], target.Snapshot);
            }

            var triage = await steps.RunAsync(vm, JournalSteps.Triage, ct => ports.Inspector.GetTriageAsync(vm, ct), _ => null, cancellationToken);
            if (!triage.CanRunCommand)
            {
                return Result(vm, VmOutcome.Unreachable, $"Cannot run in-guest (power {triage.Power}, agent {triage.Agent}); nothing was put back.", [], target.Snapshot);
            }

            var restore = await guest.RemediateAsync(vm, triage, RemediationParameters.Restore(settings), cancellationToken);
            var restored = restore.Changes.Select(c => new SettingChange(c.Setting, c.Before, c.After)).ToArray();
            if (restore.Status == RemediationStatus.Blocked)
            {
                return Result(vm, VmOutcome.NeedsAttention, "Group Policy now sets the licensing mode or servers, so nothing was put back locally." + roleNote, restored, target.Snapshot);
            }

            if (restore.RestartNeeded)
            {
                triage = await steps.RunAsync(vm, JournalSteps.Restart, ct => ports.Power.RestartAsync(vm, ct), _ => null, cancellationToken);
            }

            var facts = await guest.ProbeAsync(vm, triage, JournalSteps.Verify, cancellationToken);
            var mismatch = settings.Where(c => !Matches(facts, c)).Select(c => c.Setting).ToArray();
            if (mismatch.Length > 0)
            {
                return Result(vm, VmOutcome.Failed, $"After the restore the guest still does not show the recorded before-value of {string.Join(", ", mismatch)}.", restored, target.Snapshot);
            }

            var what = string.Join(", ", settings.Select(c => $"{c.Setting} back to {c.Before ?? "(none)"}"));
            return roles.Length == 0
                ? Result(vm, VmOutcome.RolledBack, $"Put {what}; verified by a fresh probe{(restore.RestartNeeded ? " after restart" : string.Empty)}.", restored, target.Snapshot)
                : Result(vm, VmOutcome.NeedsAttention, $"Put {what}.{roleNote}", restored, target.Snapshot);
        }
        catch (StepFailedException ex)
        {
            var outcome = ex.Failure.Kind == AzureErrorKind.Unreachable ? VmOutcome.Unreachable : VmOutcome.Failed;
            return Result(vm, outcome, $"Rollback {ex.Step} failed: {ex.Message}", [], target.Snapshot) with { Error = ex.Message };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One VM's surprise (a guest answer that parses but lacks parts) ends that VM's rollback, never the run.
            var message = $"Unexpected {ex.GetType().Name}: {ex.Message}";
            return Result(vm, VmOutcome.Failed, $"Rollback failed: {message}", [], target.Snapshot) with { Error = message };
        }
    }

    /// <summary>The probe shows the value the fix recorded as before (null = absent, an empty server list counts as absent).</summary>
    private static bool Matches(ProbeFacts facts, RemediationChange change) => change.Setting switch
    {
        RemediationSettings.LicensingMode => facts.LicensingMode.Local?.ToString(System.Globalization.CultureInfo.InvariantCulture) == change.Before,
        RemediationSettings.SpecifiedLicenseServers => string.Equals(
            facts.LicenseServers.Local.Count == 0 ? null : string.Join(',', facts.LicenseServers.Local),
            change.Before,
            StringComparison.OrdinalIgnoreCase),
        _ => true,
    };

    private static VmReport Result(VmRef vm, VmOutcome outcome, string reason, IReadOnlyList<SettingChange> changes, SnapshotInfo? snapshot)
        => VmResult.For(vm, outcome, reason, 0, VmPipeline.RunCommandChannel) with { Changes = changes, Snapshot = snapshot };
}
