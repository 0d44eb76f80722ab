using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Guest;
using AzureRdsFix.Simulation.Guests;
using AzureRdsFix.Simulation.SerialConsole;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// rollback is a mode of the one engine: the same channel choice, parallelism, step timeouts and durations as fix,
/// end to end through CliApp against the simulator.
/// </summary>
public sealed class RollbackEngineTests
{
    private const string AgentNotReady = "rdsh-dev-02";
    private const string Server = "ls01.contoso.com";
    private static readonly Dictionary<string, string?> Password = SerialConsoleChannelTests.Password;

    [Fact]
    public async Task Rollback_FixedOverSerialConsoleAgentStillNotReady_RolledBackOverTheSerialConsole()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var guest = sim.Azure.Fleet.Vm(AgentNotReady).Guest!;
        var modeBefore = guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)?.DWord;
        var serversBefore = guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue)?.Lines ?? [];
        // --restart never: no restart through ARM brings the simulated agent back, so it is still Not Ready at rollback.
        await sim.RunAsync(["fix", "--vm", AgentNotReady, "--license-server", Server, "--restart", "never", "--yes", "--serial-user", SerialConsoleSimulation.DefaultUser, "--out", sim.Out("fix")], Password);
        var fixedVm = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Should().ContainSingle().Subject;
        fixedVm.Outcome.Should().Be(VmOutcome.FixedPendingRestart, fixedVm.Reason);
        fixedVm.Channel.Should().Be("SerialConsole");

        var result = await sim.RunAsync(
            ["rollback", "--journal", Path.Combine(sim.Out("fix"), "journal.jsonl"), "--serial-user", SerialConsoleSimulation.DefaultUser, "--yes", "--out", sim.Out("rollback")],
            Password);

        result.ExitCode.Should().Be(0, result.StdOut + result.StdErr);
        var vm = SimulatorSession.ReadReport(sim.Out("rollback")).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.RolledBack, vm.Reason);
        vm.Channel.Should().Be("SerialConsole");
        guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)?.DWord.Should().Be(modeBefore);
        (guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue)?.Lines ?? []).Should().Equal(serversBefore);
        sim.Azure.Counters.ByOperation().Should().NotContainKey(AzureRdsFix.Simulation.Arm.ArmOperation.VirtualMachinesRunCommand, "the agent is Not Ready: nothing went through Run Command");
    }

    [Fact]
    public async Task Rollback_MaxParallelAndStepTimeout_HungVmFailsWithinTheTimeoutOthersRolledBackOneAtATime()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("fix", "--license-server", Server, "--yes", "--out", sim.Out("fix"));
        var fixedVms = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Where(v => v.Outcome == VmOutcome.Fixed).Select(v => v.Name).ToArray();
        fixedVms.Should().HaveCountGreaterThan(2);
        const string Hung = "rdsh-prod-02";
        var gauge = new ConcurrencyGauge();

        var (report, _) = await SafetyReviewTests.RunEngineAsync(
            sim,
            ["rollback", "--journal", Path.Combine(sim.Out("fix"), "journal.jsonl"), "--yes", "--max-parallel", "1", "--step-timeout", "2s"],
            ports => ports with { Guest = new GaugedGuest(ports.Guest, gauge, hangOn: vm => vm.Name == Hung) });

        report.Command.Should().Be("rollback");
        report.Vms.Select(v => v.Name).Should().BeEquivalentTo(fixedVms);
        var hung = report.Vms.Single(v => v.Name == Hung);
        hung.Outcome.Should().BeOneOf(VmOutcome.Failed, VmOutcome.Unreachable);
        hung.Reason.Should().Contain("--step-timeout");
        hung.DurationMs.Should().BeInRange(2_000, 30_000, "the step ends at its timeout, not at the default 15 minutes");
        report.Vms.Where(v => v.Name != Hung).Should().OnlyContain(v => v.Outcome == VmOutcome.RolledBack);
        gauge.Peak.Should().Be(1, "--max-parallel 1 works on one VM at a time");
    }

    [Fact]
    public async Task Rollback_Report_DurationsAreMeasured()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("fix", "--vm", "rdsh-prod-01", "--vm", "rdsh-prod-05", "--license-server", Server, "--yes", "--out", sim.Out("fix"));

        await sim.RunAsync("rollback", "--journal", Path.Combine(sim.Out("fix"), "journal.jsonl"), "--yes", "--out", sim.Out("rollback"));

        var report = SimulatorSession.ReadReport(sim.Out("rollback"));
        report.Vms.Should().HaveCount(2).And.OnlyContain(v => v.Outcome == VmOutcome.RolledBack);
        report.Vms.Should().OnlyContain(v => v.DurationMs > 0, "each VM's rollback took the time of its restore, restart and verify");
        report.Vms.Should().OnlyContain(v => v.Channel == "RunCommand");
    }

    /// <summary>How many guest scripts run at once, at most.</summary>
    private sealed class ConcurrencyGauge
    {
        private int _now;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public IDisposable Enter()
        {
            var now = Interlocked.Increment(ref _now);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }

            return new Exit(this);
        }

        private sealed class Exit(ConcurrencyGauge gauge) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref gauge._now);
        }
    }

    /// <summary>Counts concurrent script runs; the remediation of a VM <paramref name="hangOn"/> picks never answers.</summary>
    private sealed class GaugedGuest(IGuestChannel inner, ConcurrencyGauge gauge, Func<VmRef, bool> hangOn) : IGuestChannel
    {
        public string Name => inner.Name;

        public async Task<GuestRunResult> RunAsync(VmRef vm, TriageFacts triage, GuestScriptRequest request, CancellationToken cancellationToken)
        {
            using var _ = gauge.Enter();
            if (hangOn(vm) && request.Kind == GuestScripts.RemediationKind)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await inner.RunAsync(vm, triage, request, cancellationToken);
        }
    }
}
