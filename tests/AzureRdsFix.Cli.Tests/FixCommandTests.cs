using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Cli.Tests;

/// <summary>`plan`, `fix` and `rollback` end to end against the simulated Azure.</summary>
public sealed class FixCommandTests
{
    private const string LicensingCore = @"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core";
    private const string LicenseServers = @"HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers";
    private static readonly string[] Repaired = ["rdsh-prod-01", "rdsh-prod-02", "rdsh-prod-05", "rdsh-dev-03", "rdsh-dev-05"];

    [Fact]
    public async Task Plan_DemoFleet_ShowsTheChangesAndChangesNothing()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("plan", "--out", sim.Out("plan"), "--license-server", "ls01.contoso.com");

        result.ExitCode.Should().Be(1, result.StdErr);
        var report = SimulatorSession.ReadReport(sim.Out("plan"));
        report.Vms.Where(v => v.Outcome == VmOutcome.WouldFix).Select(v => v.Name).Should().BeEquivalentTo(Repaired);
        var prod01 = report.Vms.Single(v => v.Name == "rdsh-prod-01");
        prod01.Changes.Select(c => (c.Setting, c.Before, c.After)).Should().BeEquivalentTo([("LicensingMode", "5", "4"), ("SpecifiedLicenseServers", (string?)null, "ls01.contoso.com")]);
        Snapshots(sim).Should().BeEmpty("plan takes no snapshot");
        Mode(sim, "rdsh-prod-01").Should().Be(5, "plan changes nothing");
    }

    [Fact]
    public async Task Fix_DemoFleet_RepairsWithVerifiedSnapshotsAndIsIdempotent()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--yes");

        result.ExitCode.Should().Be(1, "some VMs still need a person; stderr: " + result.StdErr);
        var report = SimulatorSession.ReadReport(sim.Out("fix"));
        var byName = report.Vms.ToDictionary(v => v.Name);
        foreach (var name in Repaired)
        {
            byName[name].Outcome.Should().Be(VmOutcome.Fixed, byName[name].Reason);
            byName[name].Snapshot.Should().NotBeNull().And.Match<Core.Reporting.SnapshotInfo>(s => s.State == "Succeeded" && s.Id.Contains("/snapshots/"));
            Mode(sim, name).Should().Be(4);
            Servers(sim, name).Should().Equal("ls01.contoso.com");
        }

        byName["rdsh-prod-04"].Outcome.Should().Be(VmOutcome.NeedsAttention);
        byName["rdsh-prod-04"].Reason.Should().Contain("Group Policy");
        byName["rdsh-prod-04"].Snapshot.Should().BeNull();
        byName["rdsh-prod-03"].Outcome.Should().Be(VmOutcome.Healthy);
        byName["rdsh-prod-03"].Snapshot.Should().BeNull("a healthy VM is not touched");
        result.StdOut.Should().Contain("Snapshot");

        var snapshots = Snapshots(sim).ToArray();
        snapshots.Should().HaveCount(Repaired.Length, "one snapshot per changed VM, none for the others");
        AssertSnapshotBeforeEveryRemediation(Path.Combine(sim.Out("fix"), "journal.jsonl"));

        var again = await sim.RunAsync("fix", "--out", sim.Out("fix2"), "--license-server", "ls01.contoso.com", "--yes");
        var second = SimulatorSession.ReadReport(sim.Out("fix2"));
        second.Vms.Where(v => Repaired.Contains(v.Name)).Should().OnlyContain(v => v.Outcome == VmOutcome.Healthy && v.Snapshot == null && v.Changes.Count == 0);
        Snapshots(sim).Should().HaveCount(Repaired.Length, "the second fix changes nothing and takes no snapshot");
        again.StdOut.Should().NotContain("Fixed");
    }

    [Theory]
    [InlineData("n\n", 2, 5L)]
    [InlineData("yes\n", 1, 4L)]
    public async Task Fix_OnATerminal_AsksFirstAndChangesNothingWithoutYes(string answer, int exitCode, long modeAfter)
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync(["fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--vm", "rdsh-prod-01"], null, answer);

        result.StdOut.Should().Contain("Continue? [y/N]");
        result.ExitCode.Should().Be(exitCode, result.StdErr);
        Mode(sim, "rdsh-prod-01").Should().Be(modeAfter);
    }

    [Fact]
    public async Task Fix_Token_IsNeverWrittenToJournalReportOrOutput()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--yes", "--format", "csv", "--format", "junit");

        (result.StdOut + result.StdErr).Should().NotContain(SimulatorSession.Token);
        foreach (var file in Directory.GetFiles(sim.Out("fix")))
        {
            (await File.ReadAllTextAsync(file)).Should().NotContain(SimulatorSession.Token, file);
        }
    }

    [Fact]
    public async Task Fix_RestartNever_LeavesVmsFixedPendingRestart()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--restart", "never", "--yes", "--vm", "rdsh-prod-01");

        var vm = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.FixedPendingRestart, vm.Reason);
        Mode(sim, "rdsh-prod-01").Should().Be(4);
    }

    [Fact]
    public async Task Rollback_FirstFixJournal_RestoresEveryBeforeValue()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var before = Repaired.ToDictionary(n => n, n => (Mode: Mode(sim, n), Servers: Servers(sim, n)));
        await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--yes");

        var result = await sim.RunAsync("rollback", "--journal", Path.Combine(sim.Out("fix"), "journal.jsonl"), "--out", sim.Out("rollback"), "--yes");

        result.ExitCode.Should().Be(0, result.StdOut + result.StdErr);
        var report = SimulatorSession.ReadReport(sim.Out("rollback"));
        report.Command.Should().Be("rollback");
        report.Vms.Select(v => v.Name).Should().BeEquivalentTo(Repaired);
        report.Vms.Should().OnlyContain(v => v.Outcome == VmOutcome.RolledBack);
        foreach (var name in Repaired)
        {
            Mode(sim, name).Should().Be(before[name].Mode, name);
            Servers(sim, name).Should().Equal(before[name].Servers, name);
        }
    }

    [Fact]
    public async Task RemoveLicensingRole_KeepsTheRoleASessionHostInTheRunNames()
    {
        await using var sim = await SimulatorSession.StartAsync();
        // rdsh-prod-03 names the licensing VM (computer LIC-01) besides its own server; it is listed before lic-prod-01
        // and probed in parallel with it, so only a fleet-wide check can know.
        sim.Azure.Fleet.Vm("rdsh-prod-03").Guest!.Registry.Set(LicenseServers, "SpecifiedLicenseServers", RegistryValue.FromMultiString(["ls01.contoso.com", "LIC-01.contoso.com"]));

        await sim.RunAsync("scan", "--out", sim.Out("scan"), "--quiet");
        var scanned = SimulatorSession.ReadReport(sim.Out("scan")).Vms.Single(v => v.Name == "lic-prod-01");
        scanned.Findings.Should().NotContain(f => f.RuleId == "RDS008", "a session host of the run uses this license server");
        scanned.Reason.Should().Contain("in use").And.Contain("LIC-01");

        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--remove-licensing-role", "--license-server", "ls01.contoso.com", "--yes", "--max-parallel", "1");

        var lic = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Single(v => v.Name == "lic-prod-01");
        lic.Outcome.Should().Be(VmOutcome.NotApplicable, lic.Reason + result.StdErr);
        lic.Snapshot.Should().BeNull("nothing is removed, so no snapshot is taken");
        sim.Azure.Fleet.Vm("lic-prod-01").Guest!.Features!["RDS-Licensing"].Should().Be("Installed");
    }

    [Fact]
    public async Task RemoveLicensingRole_RefusesTheServerTheFixItselfNames()
    {
        await using var sim = await SimulatorSession.StartAsync();

        await sim.RunAsync("fix", "--out", sim.Out("fix"), "--remove-licensing-role", "--license-server", "LIC-01", "--yes", "--vm", "lic-prod-01");

        var lic = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Single();
        lic.Outcome.Should().Be(VmOutcome.NotApplicable, lic.Reason);
        lic.Reason.Should().Contain("in use");
        sim.Azure.Fleet.Vm("lic-prod-01").Guest!.Features!["RDS-Licensing"].Should().Be("Installed");
    }

    [Fact]
    public async Task Rollback_RemovedRole_PointsToTheSnapshotInsteadOfPretending()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("fix", "--out", sim.Out("fix"), "--remove-licensing-role", "--yes", "--vm", "lic-prod-01");
        SimulatorSession.ReadReport(sim.Out("fix")).Vms.Single().Outcome.Should().Be(VmOutcome.Fixed);

        await sim.RunAsync("rollback", "--journal", Path.Combine(sim.Out("fix"), "journal.jsonl"), "--out", sim.Out("rollback"), "--yes");

        var vm = SimulatorSession.ReadReport(sim.Out("rollback")).Vms.Single();
        vm.Outcome.Should().Be(VmOutcome.NeedsAttention);
        vm.Reason.Should().Contain("RDS-Licensing").And.Contain(vm.Snapshot!.Id).And.Contain("az disk create");
    }

    [Fact]
    public async Task Report_MergesShardJournalsIntoOneReport()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("scan", "--out", sim.Out("s1"), "--shard", "1/2", "--quiet");
        await sim.RunAsync("scan", "--out", sim.Out("s2"), "--shard", "2/2", "--quiet");

        var result = await CliRunner.RunAsync(["report", "--journal", Path.Combine(sim.Out("s1"), "journal.jsonl"), "--journal", Path.Combine(sim.Out("s2"), "journal.jsonl"), "--out", sim.Out("merged")]);

        result.ExitCode.Should().Be(1, result.StdErr);
        var merged = SimulatorSession.ReadReport(sim.Out("merged"));
        merged.Vms.Should().HaveCount(13).And.OnlyHaveUniqueItems(v => v.Id);
        merged.ScopeErrors.Should().HaveCount(2, "the forbidden subscription and the skipped Disabled one, once each");
    }

    private static void AssertSnapshotBeforeEveryRemediation(string journalPath)
    {
        var entries = Cli.Journal.JournalReader.Read(journalPath);
        foreach (var remediation in entries.Select((e, i) => (e, i)).Where(p => p.e.Is(JournalStep.Remediate, StepStatus.Started)))
        {
            entries.Take(remediation.i).Should().Contain(
                e => e.VmId() == remediation.e.VmId() && e.Is(JournalStep.Snapshot, StepStatus.Succeeded),
                $"{remediation.e.VmId()} must have a recorded snapshot before its remediation starts");
        }
    }

    private static IReadOnlyList<Simulation.Fleets.SimulatedSnapshot> Snapshots(SimulatorSession sim) =>
        [.. sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots)];

    /// <summary>LicensingMode at its real path; it must be a DWORD.</summary>
    private static long? Mode(SimulatorSession sim, string vm)
    {
        var value = sim.Azure.Fleet.Vm(vm).Guest!.Registry.Get(LicensingCore, "LicensingMode");
        value?.Type.Should().Be(RegistryValueType.DWord);
        return value?.DWord;
    }

    /// <summary>SpecifiedLicenseServers at its real path; it must be a REG_MULTI_SZ.</summary>
    private static IReadOnlyList<string> Servers(SimulatorSession sim, string vm)
    {
        var value = sim.Azure.Fleet.Vm(vm).Guest!.Registry.Get(LicenseServers, "SpecifiedLicenseServers");
        value?.Type.Should().Be(RegistryValueType.MultiString);
        return value?.Lines ?? [];
    }
}
