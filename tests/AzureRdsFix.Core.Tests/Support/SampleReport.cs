using AzureRdsFix.Core.Diagnosis;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Tests.Support;

/// <summary>A run report with every outcome, two subscriptions, a scope error and awkward text (commas, quotes, pipes, line breaks).</summary>
internal static class SampleReport
{
    public const string SubscriptionA = "00000000-0000-0000-0000-00000000000a";
    public const string SubscriptionB = "00000000-0000-0000-0000-00000000000b";

    public static RunReport Create() => new()
    {
        Tool = new ToolInfo("azrdsfix", "0.1.0"),
        RunId = "20260101T020000Z-7f3a",
        Command = "fix",
        StartedAt = new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero),
        FinishedAt = new DateTimeOffset(2026, 1, 1, 2, 7, 30, TimeSpan.Zero),
        Vms =
        [
            Vm(SubscriptionA, "rg-rds", "rdsh-01", VmOutcome.Fixed,
                "Licensing repaired and verified: mode 4 (Per User), license server ls01.contoso.com.", 184_250) with
            {
                Findings = Findings(Probes.LockedOut()),
                Snapshot = new SnapshotInfo($"/subscriptions/{SubscriptionA}/resourceGroups/rg-rds/providers/Microsoft.Compute/snapshots/azrdsfix-rdsh-01-20260101T020000Z", "Succeeded"),
                Changes = [new SettingChange("LicensingMode", "5", "4"), new SettingChange("SpecifiedLicenseServers", null, "ls01.contoso.com")],
            },
            Vm(SubscriptionA, "rg-rds", "rdsh-02", VmOutcome.Healthy,
                "RDSH licensing is sound: licensing mode 4 (Per User), license server ls01.contoso.com reachable.", 9_120),
            Vm(SubscriptionA, "rg-rds", "rdsh-03", VmOutcome.FixedPendingRestart,
                "Licensing changed; it takes effect after a restart (--restart never).", 61_003) with
            {
                Findings = Findings(Probes.GraceExpiring()),
                Snapshot = new SnapshotInfo($"/subscriptions/{SubscriptionA}/resourceGroups/rg-rds/providers/Microsoft.Compute/snapshots/azrdsfix-rdsh-03-20260101T020000Z", "Succeeded"),
                Changes = [new SettingChange("LicensingMode", null, "4"), new SettingChange("SpecifiedLicenseServers", null, "ls01.contoso.com,ls02.contoso.com")],
            },
            Vm(SubscriptionA, "rg-rds", "rdsh-04", VmOutcome.WouldFix,
                "Fix would set LicensingMode 5 -> 4, SpecifiedLicenseServers (none) -> ls01.contoso.com.", 8_400) with
            {
                Findings = Findings(Probes.LockedOut()),
                Changes = [new SettingChange("LicensingMode", "5", "4"), new SettingChange("SpecifiedLicenseServers", null, "ls01.contoso.com")],
            },
            Vm(SubscriptionA, "RG-RDS", "rdsh-gpo", VmOutcome.NeedsAttention,
                Diagnoser.Diagnose(Probes.GpoManaged(), RuleContext.Default).Reason, 10_015) with
            {
                Findings = Findings(Probes.GpoManaged()),
            },
            Vm(SubscriptionA, "rg-web", "web-01", VmOutcome.NotApplicable, "No RDSH role: RDP licensing does not apply.", 7_800),
            Vm(SubscriptionB, "rg-legacy", "rdsh-stopped", VmOutcome.Unreachable,
                "The VM is deallocated: nothing can run in the guest.", 310) with { Channel = null },
            Vm(SubscriptionB, "rg-legacy", "rdsh-old", VmOutcome.Failed,
                "Remediation failed: the guest did not answer in time.", 600_000) with
            {
                Findings = Findings(Probes.LockedOut()),
                Snapshot = new SnapshotInfo($"/subscriptions/{SubscriptionB}/resourceGroups/rg-legacy/providers/Microsoft.Compute/snapshots/azrdsfix-rdsh-old-20260101T020000Z", "Succeeded"),
                Error = "Step 'remediate' timed out after 00:10:00; the output line was \"AZRDSFIX remediate {\"status\"\n(cut at 4,096 bytes) | see journal.",
            },
            Vm(SubscriptionB, "rg-legacy", "rdsh-rolled", VmOutcome.RolledBack,
                "Before-values restored: LicensingMode 5, SpecifiedLicenseServers absent.", 45_500) with
            {
                Changes = [new SettingChange("LicensingMode", "4", "5"), new SettingChange("SpecifiedLicenseServers", "ls01.contoso.com", null)],
            },
        ],
        ScopeErrors =
        [
            new ScopeError("/subscriptions/00000000-0000-0000-0000-00000000000c",
                "AuthorizationFailed: the identity may not list virtual machines in this subscription (needs Microsoft.Compute/virtualMachines/read)."),
        ],
    };

    private static VmReport Vm(string subscriptionId, string resourceGroup, string name, VmOutcome outcome, string reason, long durationMs) => new()
    {
        Id = $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}",
        Name = name,
        SubscriptionId = subscriptionId,
        ResourceGroup = resourceGroup,
        Location = "westeurope",
        Outcome = outcome,
        Reason = reason,
        Channel = "RunCommand",
        DurationMs = durationMs,
    };

    private static IReadOnlyList<Finding> Findings(ProbeFacts facts) => Diagnoser.Diagnose(facts, RuleContext.Default).Findings;
}
