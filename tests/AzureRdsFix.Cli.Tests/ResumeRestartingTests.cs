using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Arm;

namespace AzureRdsFix.Cli.Tests;

/// <summary>A run cut while it restarted a VM: the resume waits for the VM to start, verifies it, and a second resume only reports.</summary>
public sealed class ResumeRestartingTests
{
    // Restart ~4.5 s, Run Command ~3 s: the resumed run meets the VM still Starting.
    private static readonly SimulationOptions Slow = new() { LatencyScale = 0.15 };

    [Fact]
    public async Task Fix_CutWhileRestarting_ResumeWaitsForTheVmThenVerifies_SecondResumeReportsFixedAndChangesNothing()
    {
        await using var sim = await SimulatorSession.StartAsync(options: Slow);
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        var vmId = sim.Azure.Fleet.Vm("rdsh-prod-01").Id;
        using var cancel = new CancellationTokenSource();
        var run = sim.RunAsync(["fix", "--license-server", "ls01.contoso.com", "--yes", "--out", outDir, "--vm", vmId], null, cancellationToken: cancel.Token);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!Entries(journal).Any(e => e.Is(JournalStep.Restart, StepStatus.Started)) || sim.Azure.Counters[ArmOperation.VirtualMachinesRestart] == 0)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the run should reach its restart");
            run.IsCompleted.Should().BeFalse("the run must still be going when it is cut");
            await Task.Delay(20);
        }

        // The restart request is in; give the simulator a moment to apply it (the VM then starts for 4.5 s or more).
        await Task.Delay(500);
        await cancel.CancelAsync();
        (await run).ExitCode.Should().Be(130);

        var cutLines = File.ReadAllLines(journal).Length;
        var first = await sim.RunAsync("fix", "--resume", journal, "--yes");
        first.ExitCode.Should().Be(0, first.StdOut + first.StdErr);
        File.ReadAllLines(journal).Skip(cutLines).Should().Contain(l => l.Contains("\"power\":\"Starting\"", StringComparison.Ordinal), "the resumed run met the VM still starting");
        SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Which.Outcome.Should().Be(VmOutcome.Fixed, "the VM the cut run was restarting is waited for, not left Unreachable");

        var before = Entries(journal).Count;
        var snapshots = sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).Count();
        var second = await sim.RunAsync("fix", "--resume", journal, "--yes");

        second.ExitCode.Should().Be(0, second.StdOut + second.StdErr);
        var vm = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason);
        second.StdOut.Should().Contain("1 Fixed").And.NotContain("Unreachable");
        Entries(journal).Skip(before).Should().NotContain(e => e is StepStarted, "a finished run's resume changes nothing");
        sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).Should().HaveCount(snapshots);
    }

    private static IReadOnlyList<JournalEvent> Entries(string journal) => File.Exists(journal) && new FileInfo(journal).Length > 0 ? JournalReader.Read(journal) : [];
}
