using AzureRdsFix.Azure.Triage;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class TriageTests
{
    private const string Sub = "11111111-1111-1111-1111-111111111111";

    [Theory]
    [InlineData(OsKind.Windows, PowerState.Running, AgentState.Ready, true)]
    [InlineData(OsKind.Windows, PowerState.Running, AgentState.NotReady, false)]
    [InlineData(OsKind.Windows, PowerState.Deallocated, AgentState.Absent, false)]
    [InlineData(OsKind.Windows, PowerState.Stopped, AgentState.Absent, false)]
    [InlineData(OsKind.Linux, PowerState.Running, AgentState.Ready, false)]
    public async Task GetTriageAsync_InstanceView_GivesPowerAgentAndOs(OsKind os, PowerState power, AgentState agent, bool canRunCommand)
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", os, power, agent);
        var inspector = new ArmVmInspector(TestArm.Client(arm));

        var triage = await inspector.GetTriageAsync(Ref(vm), CancellationToken.None);

        triage.Os.Should().Be(os);
        triage.Power.Should().Be(power);
        triage.Agent.Should().Be(agent);
        triage.CanRunCommand.Should().Be(canRunCommand);
        (triage.OsName is not null).Should().Be(agent == AgentState.Ready);
        arm.CountRequests("GET", "/virtualMachines/vm1").Should().Be(1, "one GET with $expand=instanceView is enough");
    }

    internal static VmRef Ref(FakeVm vm) =>
        new(vm.Id, vm.Name, vm.SubscriptionId, vm.ResourceGroup, vm.Location, new Dictionary<string, string>());

}
