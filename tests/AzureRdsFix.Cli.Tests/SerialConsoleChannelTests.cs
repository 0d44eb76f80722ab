using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;
using AzureRdsFix.Simulation.SerialConsole;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// The serial console channel end to end: the real CLI against the simulator, whose agent-not-ready VM (rdsh-dev-02)
/// Run Command cannot reach.
/// </summary>
public sealed class SerialConsoleChannelTests
{
    private const string AgentNotReady = "rdsh-dev-02";
    private const string Server = "ls01.contoso.com";

    /// <summary>The simulator's serial console account password, as the environment gives it.</summary>
    internal static readonly Dictionary<string, string?> Password = new() { ["AZRDSFIX_SERIAL_PASSWORD"] = SerialConsoleSimulation.DefaultPassword };

    [Fact]
    public async Task Fix_AgentNotReadyWithSerialAccount_FixedOverTheSerialConsoleWithSnapshotFirst()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("fix");

        var result = await sim.RunAsync(["fix", "--vm", AgentNotReady, "--license-server", Server, "--yes", "--serial-user", SerialConsoleSimulation.DefaultUser, "--out", outDir], Password);

        result.StdErr.Should().NotContain(AgentNotReady, "the only error is the demo fleet's forbidden subscription");
        var vm = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason);
        vm.Channel.Should().Be("SerialConsole");
        vm.Snapshot!.State.Should().Be("Succeeded");
        vm.Changes.Should().Contain(c => c.Setting == "SpecifiedLicenseServers" && c.After == Server);
        var guest = sim.Azure.Fleet.Vm(AgentNotReady).Guest!;
        guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)!.DWord.Should().Be(4);
        var journal = await File.ReadAllTextAsync(Path.Combine(outDir, "journal.jsonl"));
        journal.IndexOf("\"step\":\"snapshot\"", StringComparison.Ordinal).Should().BeLessThan(journal.IndexOf("\"step\":\"remediate\"", StringComparison.Ordinal), "no change before the snapshot");
    }

    [Fact]
    public async Task Scan_AgentNotReadyWithoutSerialAccount_UnreachableSayingWhatWouldReachIt()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("scan");

        await sim.RunAsync("scan", "--vm", AgentNotReady, "--out", outDir);

        var vm = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Unreachable);
        vm.Reason.Should().Contain("--serial-user").And.Contain("AZRDSFIX_SERIAL_PASSWORD");
        sim.Azure.SerialConsole.Connections.Should().BeEmpty("without an account the channel is not tried");
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "disabled", "az serial-console enable" },
        { "bootdiagnostics", "enable boot diagnostics" },
        { "forbidden", "Microsoft.SerialConsole/serialPorts/connect/action" },
        { "login", "check --serial-user" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Scan_SerialConsoleRefused_UnreachableWithOneSentenceSayingWhatToChange(string refusal, string advice)
    {
        await using var sim = await SimulatorSession.StartAsync();
        var vm = sim.Azure.Fleet.Vm(AgentNotReady);
        switch (refusal)
        {
            case "disabled": sim.Azure.SerialConsole.Disable(vm.SubscriptionId); break;
            case "bootdiagnostics": vm.SerialConsole.BootDiagnostics = false; break;
            case "forbidden": vm.SerialConsole.ConnectForbidden = true; break;
            default: vm.SerialConsole.LoginRefused = true; break;
        }

        var outDir = sim.Out("scan");
        await sim.RunAsync(["scan", "--vm", AgentNotReady, "--serial-user", SerialConsoleSimulation.DefaultUser, "--out", outDir], Password);

        var report = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        report.Outcome.Should().Be(VmOutcome.Unreachable, report.Reason);
        report.Channel.Should().Be("SerialConsole");
        report.Reason.Should().Contain(advice).And.EndWith(".");
        report.Reason.TrimEnd('.').Should().NotContain(". ", "one sentence");
    }

    [Fact]
    public async Task Fix_SessionDroppedMidRegAdd_FailedNeverFixedThenResumeFinishesIt()
    {
        await using var sim = await SimulatorSession.StartAsync();
        sim.Azure.Fleet.Vm(AgentNotReady).SerialConsole.DropAfterCommand = "reg add";
        var outDir = sim.Out("fix");

        await sim.RunAsync(["fix", "--vm", AgentNotReady, "--license-server", Server, "--yes", "--serial-user", SerialConsoleSimulation.DefaultUser, "--out", outDir], Password);

        var cut = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        cut.Outcome.Should().Be(VmOutcome.Failed);
        cut.Reason.Should().Contain("serial console").And.Contain("may already be changed").And.Contain("resume");

        var resumed = await sim.RunAsync(["fix", "--resume", Path.Combine(outDir, "journal.jsonl"), "--yes"], Password);

        resumed.StdErr.Should().NotContain(AgentNotReady);
        var finished = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        finished.Outcome.Should().Be(VmOutcome.Fixed, finished.Reason);
        finished.Channel.Should().Be("SerialConsole");
        sim.Azure.Fleet.Vm(AgentNotReady).Guest!.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue)!.Lines.Should().Equal(Server);
    }

    [Fact]
    public async Task Fix_SerialConsoleRun_PasswordInNoFileAndNoOutput()
    {
        await using var sim = await SimulatorSession.StartAsync();
        sim.Azure.Fleet.Vm("rdsh-dev-03").SerialConsole.LoginRefused = true;
        var outDir = sim.Out("fix");

        var result = await sim.RunAsync(
            ["fix", "--license-server", Server, "--yes", "--channel", "auto", "--serial-user", SerialConsoleSimulation.DefaultUser, "--format", "csv", "--format", "junit", "--format", "markdown", "--out", outDir],
            Password);

        SimulatorSession.ReadReport(outDir).Vms.Should().Contain(v => v.Channel == "SerialConsole" && v.Outcome == VmOutcome.Fixed);
        var files = Directory.GetFiles(sim.Dir.Path, "*", SearchOption.AllDirectories);
        files.Should().HaveCountGreaterThan(3);
        foreach (var file in files)
        {
            (await File.ReadAllTextAsync(file)).Should().NotContain(SerialConsoleSimulation.DefaultPassword, file);
        }

        (result.StdOut + result.StdErr).Should().NotContain(SerialConsoleSimulation.DefaultPassword);
    }

    [Fact]
    public async Task Scan_ChannelSerialConsole_ForcesItOnAnAgentReadyVm()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("scan");

        await sim.RunAsync(["scan", "--vm", "rdsh-prod-01", "--channel", "serialconsole", "--serial-user", SerialConsoleSimulation.DefaultUser, "--out", outDir], Password);

        var vm = SimulatorSession.ReadReport(outDir).Vms.Should().ContainSingle().Subject;
        vm.Channel.Should().Be("SerialConsole");
        vm.Outcome.Should().Be(VmOutcome.NeedsAttention, vm.Reason);
        sim.Azure.Counters.ByOperation().Should().NotContainKey(AzureRdsFix.Simulation.Arm.ArmOperation.VirtualMachinesRunCommand);
    }

    [Fact]
    public async Task Scan_SerialUserWithoutPassword_ExitsTwoNamingTheVariable()
    {
        await using var sim = await SimulatorSession.StartAsync();

        var result = await sim.RunAsync("scan", "--serial-user", "rdsadmin", "--out", sim.Out("scan"));

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("AZRDSFIX_SERIAL_PASSWORD");
    }

    [Fact]
    public async Task Demo_Fix_FixesTheAgentNotReadyVmOverTheSerialConsole()
    {
        using var dir = new TempDir();

        var result = await CliRunner.RunAsync(["demo", "--fix", "--out", dir.Path]);

        result.ExitCode.Should().Be(0, result.StdErr);
        var vm = SimulatorSession.ReadReport(Path.Combine(dir.Path, "fix")).Vms.Single(v => v.Name == AgentNotReady);
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason);
        vm.Channel.Should().Be("SerialConsole");
        result.StdErr.Should().NotContain("not a JWT", "the demo's token carries its expiry, so a first run shows no warning about it");
    }
}
