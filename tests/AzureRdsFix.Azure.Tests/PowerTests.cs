using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Power;
using AzureRdsFix.Azure.Triage;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class PowerTests
{
    private const string Sub = "11111111-1111-1111-1111-111111111111";

    private static ArmVmPowerService Service(FakeArm arm, FastForwardTimeProvider time)
    {
        var client = TestArm.Client(arm);
        return new ArmVmPowerService(client, new ArmVmInspector(client), new PowerOptions { PollInterval = TimeSpan.FromSeconds(15), AgentReadyTimeout = TimeSpan.FromMinutes(2) }, time);
    }

    [Fact]
    public async Task RestartAsync_AgentComesBack_ReturnsReadyTriageAfterPolling()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1");
        vm.AgentNotReadyReadsAfterRestart = 2;
        var time = new FastForwardTimeProvider();

        var triage = await Service(arm, time).RestartAsync(TriageTests.Ref(vm), CancellationToken.None);

        triage.Should().BeEquivalentTo(new TriageFacts(OsKind.Windows, PowerState.Running, AgentState.Ready, "Windows Server 2019 Datacenter"), o => o.Excluding(t => t.AgentStatusTime));
        vm.Restarts.Should().Be(1);
        arm.CountRequests("POST", "/restart").Should().Be(1);
        time.Skipped.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(30), "two Not Ready reads were waited out");
    }

    [Fact]
    public async Task RestartAsync_AgentNeverReady_ThrowsAfterBoundedWait()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1");
        vm.AgentNotReadyReadsAfterRestart = 1000;
        var time = new FastForwardTimeProvider();

        var act = () => Service(arm, time).RestartAsync(TriageTests.Ref(vm), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<AgentNotReadyException>()).Which;
        AzureErrors.Classify(error).Should().Be(AzureErrorKind.Unreachable);
        error.Message.Should().Contain("NotReady").And.Contain("2 minutes");
        arm.CountRequests("GET", "/virtualMachines/vm1").Should().BeInRange(8, 10);
    }

    [Fact]
    public async Task RestartAsync_AgentStillShowsItsStatusFromBeforeTheRestart_WaitsForAStatusNewerThanTheRestart()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1");
        vm.AgentNotReadyReadsAfterRestart = 0;
        vm.StaleAgentReadsAfterRestart = 2;
        var time = new FastForwardTimeProvider();

        var triage = await Service(arm, time).RestartAsync(TriageTests.Ref(vm), CancellationToken.None);

        triage.AgentStatusTime.Should().BeAfter(new DateTimeOffset(2025, 1, 1, 2, 0, 0, TimeSpan.Zero), "only a status newer than the restart counts");
        arm.CountRequests("GET", "/virtualMachines/vm1").Should().Be(3, "two reads still showed the pre-restart Ready status");
    }

    [Fact]
    public async Task RestartAsync_AgentNeverReportsAgain_UnreachableSayingSo()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1");
        vm.AgentNotReadyReadsAfterRestart = 0;
        vm.StaleAgentReadsAfterRestart = 1000;
        var time = new FastForwardTimeProvider();

        var act = () => Service(arm, time).RestartAsync(TriageTests.Ref(vm), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<AgentNotReadyException>()).Which;
        AzureErrors.Classify(error).Should().Be(AzureErrorKind.Unreachable);
        error.Message.Should().Match("VM vm1 was restarted but its VM agent had not reported since the restart (its Ready status is from 2024-05-02 10:01:07 UTC, the restart ended * UTC) after 2 minutes, so the change could not be verified.");
    }
}
