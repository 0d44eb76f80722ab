using System.Globalization;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// Rollback, the pipeline's other way through a VM: puts back the before-values a fix recorded (the remediation script
/// in Restore mode, over the channel the triage allows), restarts where needed, verifies with a fresh probe. A removed
/// role cannot be put back in-guest: for those the report says how to restore the OS disk from the fix's snapshot.
/// </summary>
public sealed partial class VmPipeline
{
    public async Task<PipelineResult> RollBackAsync(JournaledVm target, CancellationToken cancellationToken)
    {
        var result = await GuardAsync(target.Vm, rollback: true, attempt => RollBackCoreAsync(target, attempt, cancellationToken), cancellationToken);
        return result with { Report = result.Report with { Snapshot = target.Snapshot } };
    }

    private async Task<VmReport> RollBackCoreAsync(JournaledVm target, VmAttempt attempt, CancellationToken cancellationToken)
    {
        var vm = target.Vm;
        var changes = target.Remediation?.Changes.Where(c => c.Changed).ToArray() ?? [];
        var roles = changes.Where(c => c.Setting is RemediationSettings.RdshRole or RemediationSettings.LicensingRole).ToArray();
        var settings = changes.Except(roles).ToArray();
        var roleNote = roles.Length == 0
            ? string.Empty
            : $" {string.Join(" and ", roles.Select(r => r.Setting))} was removed and cannot be reinstalled in-guest: to undo that, create a disk from snapshot {target.Snapshot?.Id ?? "(none recorded)"} and swap it in as the OS disk (az disk create --source <snapshot id>, then az vm update --os-disk <new disk>).";
        VmReport Result(VmOutcome outcome, string reason, IReadOnlyList<SettingChange> restored)
            => VmResult.For(vm, outcome, reason, attempt.Elapsed(), attempt.Channel) with { Changes = restored };

        if (settings.Length == 0)
        {
            return Result(VmOutcome.NeedsAttention, roleNote.Trim(), []);
        }

        var triage = await steps.RunAsync(vm, JournalStep.Triage, ct => ports.Inspector.GetTriageAsync(vm, ct), Describe, cancellationToken);
        if (UseSerial(triage) is not { } serial)
        {
            return Result(VmOutcome.Unreachable, $"{UnreachableReason(triage)} Nothing was put back.", []);
        }

        attempt.Channel = ChannelOf(serial);
        var restore = await RemediateAsync(vm, triage, RemediationParameters.Restore(settings), serial, cancellationToken);
        var restored = restore.Changes.Select(c => new SettingChange(c.Setting, c.Before, c.After)).ToArray();
        if (restore.Status == RemediationStatus.Blocked)
        {
            return Result(VmOutcome.NeedsAttention, "Group Policy now sets the licensing mode or servers, so nothing was put back locally." + roleNote, restored);
        }

        if (restore.RestartNeeded)
        {
            triage = await steps.RunAsync(vm, JournalStep.Restart, ct => ports.Power.RestartAsync(vm, !serial, ct), Describe, cancellationToken);
        }

        var facts = await ProbeAsync(vm, triage, JournalStep.Verify, serial, cancellationToken);
        var mismatch = settings.Where(c => !Matches(facts, c)).Select(c => c.Setting).ToArray();
        if (mismatch.Length > 0)
        {
            return Result(VmOutcome.Failed, $"After the restore the guest still does not show the recorded before-value of {string.Join(", ", mismatch)}.", restored);
        }

        var what = string.Join(", ", settings.Select(c => $"{c.Setting} back to {c.Before ?? "(none)"}"));
        return roles.Length == 0
            ? Result(VmOutcome.RolledBack, $"Put {what}; verified by a fresh probe{(restore.RestartNeeded ? " after restart" : string.Empty)}.", restored)
            : Result(VmOutcome.NeedsAttention, $"Put {what}.{roleNote}", restored);
    }

    /// <summary>The probe shows the value the fix recorded as before (null = absent, an empty server list counts as absent).</summary>
    private static bool Matches(ProbeFacts facts, RemediationChange change) => change.Setting switch
    {
        RemediationSettings.LicensingMode => facts.LicensingMode.Local?.ToString(CultureInfo.InvariantCulture) == change.Before,
        RemediationSettings.SpecifiedLicenseServers => string.Equals(
            facts.LicenseServers.Local.Count == 0 ? null : string.Join(',', facts.LicenseServers.Local),
            change.Before,
            StringComparison.OrdinalIgnoreCase),
        _ => true,
    };
}
