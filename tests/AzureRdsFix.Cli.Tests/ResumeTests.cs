using System.Diagnostics;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// A fix run cut short — killed with SIGKILL, or cancelled with Ctrl+C — and resumed finishes every VM exactly once,
/// with no VM changed without a recorded snapshot and none snapshotted twice.
/// </summary>
public sealed class ResumeTests
{
    // Run Command ~1 s, restart ~1.5 s, snapshot ~0.4 s: long enough to be cut halfway, short enough for a test.
    private static readonly SimulationOptions Slow = new() { LatencyScale = 0.05 };

    [Fact]
    public async Task Fix_KilledHalfwayThenResumed_FinishesEveryVmOnceWithoutSecondSnapshots()
    {
        await using var sim = await SimulatorSession.StartAsync(options: Slow);
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        var pem = Path.Combine(sim.Dir.Path, "simulator.pem");
        sim.Azure.ExportCertificatePem(pem);

        using (var child = StartChildFix(sim, pem, outDir))
        {
            // Halfway: some VMs finished, at least one snapshot taken, and the run still going.
            await WaitForAsync(
                () => Entries(journal) is var e && e.Any(x => x.Step == JournalSteps.Snapshot && x.Status == StepStatus.Succeeded) && e.Any(x => x.Type == JournalTypes.VmOutcome),
                child,
                TimeSpan.FromSeconds(60));
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        var cut = Entries(journal);
        cut.Should().NotContain(e => e.Type == JournalTypes.RunFinished, "the run was killed before it finished");
        var finishedBeforeKill = cut.Where(e => e.Type == JournalTypes.VmOutcome).Select(e => e.VmId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        finishedBeforeKill.Should().NotBeEmpty().And.HaveCountLessThan(13, "the run was cut halfway");

        var resumed = await sim.RunAsync("fix", "--resume", journal, "--license-server", "ls01.contoso.com", "--yes");

        resumed.ExitCode.Should().Be(1, resumed.StdErr);
        var report = SimulatorSession.ReadReport(outDir);
        report.Vms.Should().HaveCount(13).And.OnlyHaveUniqueItems(v => v.Id.ToLowerInvariant());
        report.Vms.Where(v => v.Name is "rdsh-prod-01" or "rdsh-prod-02" or "rdsh-prod-05" or "rdsh-dev-03" or "rdsh-dev-05")
            .Should().OnlyContain(v => v.Outcome == VmOutcome.Fixed && v.Snapshot != null);

        var all = Entries(journal);
        var finals = all.Where(e => e.Type == JournalTypes.VmOutcome && e.Data!["final"]!.GetValue<bool>()).GroupBy(e => e.VmId!.ToLowerInvariant());
        finals.Should().OnlyContain(g => g.Count() == 1, "every VM reaches its final outcome exactly once across both runs");
        finals.Should().HaveCount(13);
        all.Where(e => e.Type == JournalTypes.Step && e.Step == "discover" && finishedBeforeKill.Contains(e.VmId))
            .GroupBy(e => e.VmId).Should().OnlyContain(g => g.Count() == 1, "VMs finished before the kill are not worked on again");

        var snapshots = sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).ToArray();
        snapshots.GroupBy(s => s.SourceVm.Id).Should().OnlyContain(g => g.Count() == 1, "no VM is snapshotted twice");
        foreach (var remediation in all.Select((e, i) => (e, i)).Where(p => p.e.Step == JournalSteps.Remediate && p.e.Status == StepStatus.Started))
        {
            all.Take(remediation.i).Should().Contain(e => e.VmId == remediation.e.VmId && e.Step == JournalSteps.Snapshot && e.Status == StepStatus.Succeeded);
        }
    }

    [Fact]
    public async Task Fix_Cancelled_ExitsWithCode130RecordsInFlightStepsAndResumes()
    {
        await using var sim = await SimulatorSession.StartAsync(options: Slow);
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        using var cancel = new CancellationTokenSource();
        var run = sim.RunAsync(["fix", "--license-server", "ls01.contoso.com", "--yes", "--out", outDir], null, cancellationToken: cancel.Token);
        await WaitForAsync(() => Entries(journal).Any(e => e.Step == JournalSteps.Snapshot && e.Status == StepStatus.Succeeded), null, TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();
        var result = await run;

        result.ExitCode.Should().Be(130, result.StdOut + result.StdErr);
        result.StdErr.Should().Contain("--resume");
        var entries = Entries(journal);
        entries.Should().Contain(e => e.Status == StepStatus.Cancelled, "in-flight steps are recorded as such");
        entries[^1].Type.Should().Be(JournalTypes.RunFinished);
        entries[^1].Status.Should().Be(StepStatus.Cancelled);

        var resumed = await sim.RunAsync("fix", "--resume", journal, "--license-server", "ls01.contoso.com", "--yes");
        resumed.ExitCode.Should().Be(1);
        SimulatorSession.ReadReport(outDir).Vms.Should().HaveCount(13);
        sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).GroupBy(s => s.SourceVm.Id).Should().OnlyContain(g => g.Count() == 1);
    }

    [Fact]
    public async Task Fix_CutAfterRemediationBeforeRestart_ResumeRestartsVerifiesAndTakesNoSecondSnapshot()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        await sim.RunAsync("fix", "--license-server", "ls01.contoso.com", "--yes", "--out", outDir, "--vm", sim.Azure.Fleet.Vm("rdsh-prod-01").Id, "--restart", "never");

        // Make the journal read as if the process died right after the remediation result was recorded.
        var lines = await File.ReadAllLinesAsync(journal);
        var cut = Array.FindIndex(lines, l => l.Contains("\"step\":\"remediate\"", StringComparison.Ordinal) && l.Contains("\"status\":\"succeeded\"", StringComparison.Ordinal));
        cut.Should().BePositive();
        await File.WriteAllLinesAsync(journal, lines.Take(cut + 1));

        // Scope, servers and --restart never come from the journal except what is given again: here --restart auto.
        var resumed = await sim.RunAsync("fix", "--resume", journal, "--yes");

        resumed.ExitCode.Should().Be(0, resumed.StdOut + resumed.StdErr);
        var vm = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason);
        vm.Reason.Should().Contain("after restart");
        vm.Changes.Should().Contain(c => c.Setting == "LicensingMode" && c.Before == "5" && c.After == "4");
        Entries(journal).Should().Contain(e => e.Step == JournalSteps.Restart && e.Status == StepStatus.Succeeded);
        sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).Should().ContainSingle("the recorded snapshot is reused");
    }

    [Fact]
    public async Task Fix_CutWithRemediationResultUnrecorded_ResumeFinishesAndRollbackStillHasTheBeforeValues()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        await sim.RunAsync("fix", "--license-server", "ls01.contoso.com", "--yes", "--out", outDir, "--vm", sim.Azure.Fleet.Vm("rdsh-prod-01").Id);

        // The process died after sending the remediation: the guest is changed, the journal never saw the result.
        var lines = await File.ReadAllLinesAsync(journal);
        var cut = Array.FindIndex(lines, l => l.Contains("\"step\":\"remediate\"", StringComparison.Ordinal) && l.Contains("\"status\":\"started\"", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(journal, lines.Take(cut + 1));

        await sim.RunAsync("fix", "--resume", journal, "--yes");
        var vm = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason);
        vm.Changes.Should().Contain(c => c.Setting == "LicensingMode" && c.Before == "5" && c.After == "4", "the plan recorded before the remediation holds the before-values");

        var rollback = await sim.RunAsync("rollback", "--journal", journal, "--out", sim.Out("rollback"), "--yes");
        rollback.ExitCode.Should().Be(0, rollback.StdOut + rollback.StdErr);
        SimulatorSession.ReadReport(sim.Out("rollback")).Vms.Should().ContainSingle().Which.Outcome.Should().Be(VmOutcome.RolledBack);
        sim.Azure.Fleet.Vm("rdsh-prod-01").Guest!.Registry.Get(@"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core", "LicensingMode")!.DWord.Should().Be(5);
    }

    [Fact]
    public async Task Fix_ResumeWithADifferentScope_IsBadInput()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("fix");
        await sim.RunAsync("fix", "--license-server", "ls01.contoso.com", "--yes", "--out", outDir, "--vm", sim.Azure.Fleet.Vm("rdsh-prod-01").Id);

        var result = await sim.RunAsync("fix", "--resume", Path.Combine(outDir, "journal.jsonl"), "--yes", "--license-server", "ls09.contoso.com");

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("--license-server ls09.contoso.com differs from the resumed run's (ls01.contoso.com)");
    }

    private static Process StartChildFix(SimulatorSession sim, string pem, string outDir)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "azrdsfix.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = [cli, "fix", "--license-server", "ls01.contoso.com", "--yes", "--max-parallel", "2", "--out", outDir, .. sim.Connection];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SSL_CERT_FILE"] = pem;
        info.Environment["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static IReadOnlyList<JournalEntry> Entries(string journal) => File.Exists(journal) && new FileInfo(journal).Length > 0 ? JournalReader.Read(journal) : [];

    private static async Task WaitForAsync(Func<bool> condition, Process? child, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (child is { HasExited: true })
            {
                throw new InvalidOperationException($"The child fix run exited early with code {child.ExitCode}.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The run did not reach the expected point in time.");
            }

            await Task.Delay(50);
        }
    }
}
