using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Tests;

/// <summary>The real Azure SDK (Azure.ResourceManager 1.7.0, .Compute 1.2.0) against the simulator, as the tool uses it.</summary>
public sealed class ArmSdkTests : IAsyncLifetime
{
    private SimulatorSession _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorSession.StartAsync();

    public async Task DisposeAsync()
    {
        // Every call the SDK made must have been one the simulator knows (no silent 404 on an unexpected route).
        _sim.Azure.Counters[ArmOperation.Unknown].Should().Be(0);
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task GetSubscriptions_ListsAllAcrossPages_IncludingDisabled()
    {
        var subscriptions = new List<SubscriptionResource>();
        await foreach (var subscription in _sim.Arm.GetSubscriptions().GetAllAsync())
        {
            subscriptions.Add(subscription);
        }

        subscriptions.Should().HaveCount(4);
        subscriptions.Select(s => s.Data.State?.ToString()).Should().Contain("Disabled");
        subscriptions.Should().OnlyContain(s => s.Data.TenantId == Guid.Parse(_sim.Fleet.TenantId));
        _sim.Azure.Counters[ArmOperation.SubscriptionsList].Should().Be(3, "pages of two, and the page reaching the end still links to an empty one");
    }

    [Fact]
    public async Task GetVirtualMachines_FollowsAbsoluteNextLinksThroughEmptyPages()
    {
        var subscription = _sim.Arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Production));
        var names = new List<string>();
        await foreach (var vm in subscription.GetVirtualMachinesAsync())
        {
            names.Add(vm.Data.Name);
        }

        names.Should().Equal(_sim.Fleet.Subscription(Production)!.Vms.Select(v => v.Name));
        // 8 VMs in pages of 3, 0, 2, 5(3) and a final empty page.
        _sim.Azure.Counters[ArmOperation.VirtualMachinesListAll].Should().Be(5);
    }

    [Fact]
    public async Task GetVirtualMachines_StatusOnly_CarriesPowerState()
    {
        var subscription = _sim.Arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(DevTest));
        var power = new Dictionary<string, string>();
        await foreach (var vm in subscription.GetVirtualMachinesAsync(statusOnly: "true"))
        {
            power[vm.Data.Name] = vm.Data.InstanceView.Statuses.Single(s => s.Code.StartsWith("PowerState/", StringComparison.Ordinal)).Code;
        }

        power["rdsh-dev-01"].Should().Be("PowerState/deallocated");
        power["rdsh-dev-03"].Should().Be("PowerState/running");
    }

    [Fact]
    public async Task VirtualMachineGet_ExpandInstanceView()
    {
        var vm = (await Vm("rdsh-dev-02").GetAsync(InstanceViewType.InstanceView)).Value;

        vm.Data.InstanceView.VmAgent.VmAgentVersion.Should().Be("Unknown");
    }

    [Fact]
    public async Task GetVirtualMachines_InResourceGroup_ListsOnlyThatGroup()
    {
        var rg = _sim.Arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Production, "rg-apps-prod"));
        var names = new List<string>();
        await foreach (var vm in rg.GetVirtualMachines().GetAllAsync())
        {
            names.Add(vm.Data.Name);
        }

        names.Should().BeEquivalentTo("web-prod-01", "lic-prod-01", "linux-prod-01");
    }

    [Fact]
    public async Task VirtualMachineGet_OsDiskIdHasUpperCaseResourceGroup()
    {
        var vm = (await Vm("rdsh-prod-01").GetAsync()).Value;

        vm.Data.StorageProfile.OSDisk.OSType.Should().Be(SupportedOperatingSystemType.Windows);
        vm.Data.StorageProfile.OSDisk.ManagedDisk.Id.ToString().Should().Contain("/resourceGroups/RG-RDSH-PROD/");
        var disk = (await _sim.Arm.GetManagedDiskResource(vm.Data.StorageProfile.OSDisk.ManagedDisk.Id).GetAsync()).Value;
        disk.Data.ManagedBy.ToString().Should().BeEquivalentTo(vm.Id.ToString());
    }

    [Theory]
    [InlineData("rdsh-prod-01", "PowerState/running", "Ready")]
    [InlineData("rdsh-dev-01", "PowerState/deallocated", null)]
    [InlineData("rdsh-dev-02", "PowerState/running", "Not Ready")]
    public async Task InstanceView_ReportsPowerAndAgent(string name, string power, string? agent)
    {
        var view = (await Vm(name).InstanceViewAsync()).Value;

        view.Statuses.Select(s => s.Code).Should().Contain(power);
        view.VmAgent?.Statuses.Single().DisplayStatus.Should().Be(agent);
        if (agent is null)
        {
            view.VmAgent.Should().BeNull();
        }
    }

    [Fact]
    public async Task RunCommand_Probe_ReturnsStdOutAndStdErrItems()
    {
        var result = await Vm("rdsh-prod-01").RunCommandAsync(WaitUntil.Completed, Probe());

        result.Value.Value.Should().HaveCount(2);
        result.Value.Value[0].Code.Should().Be("ComponentStatus/StdOut/succeeded");
        result.Value.Value[0].Message.Should().Be(ProbeEmulator.OutputLine(_sim.Fleet.Vm("rdsh-prod-01").Guest!) + "\n");
        result.Value.Value[1].Code.Should().Be("ComponentStatus/StdErr/succeeded");
        result.Value.Value[1].Message.Should().BeEmpty();
    }

    [Fact]
    public async Task RunCommand_Remediate_ChangesTheGuestRegistry_AndRestartMakesItEffective()
    {
        var vm = Vm("rdsh-prod-01");
        var input = new RunCommandInput("RunPowerShellScript") { Script = { RemediationEmulator.Header, "param()" } };
        input.Parameters.Add(new RunCommandInputParameter("Operation", ParameterHex.Encode("Apply")));
        input.Parameters.Add(new RunCommandInputParameter("LicensingMode", ParameterHex.Encode("4")));
        input.Parameters.Add(new RunCommandInputParameter("LicenseServers", ParameterHex.Encode(_sim.Azure.LicenseServer!)));

        var result = await vm.RunCommandAsync(WaitUntil.Completed, input);
        await vm.RestartAsync(WaitUntil.Completed);

        result.Value.Value[0].Message.Should().StartWith("AZRDSFIX remediate {\"schema\":1,\"operation\":\"Apply\",\"status\":\"Applied\"");
        var guest = _sim.Fleet.Vm("rdsh-prod-01").Guest!;
        guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)!.DWord.Should().Be(4);
        guest.TerminalServiceSetting!.StatusFor(_sim.Azure.LicenseServer!).Trusted.Should().Be(RestartEffects.LsStatusValid);
        // The other VMs made from the same fixture keep their own state.
        _sim.Fleet.Vm("rdsh-dev-03").Guest!.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)!.DWord.Should().Be(5);
    }

    [Fact]
    public async Task RunCommand_WhileAnotherRuns_Is409Conflict()
    {
        await using var slow = await SimulatorSession.StartAsync(options: new SimulationOptions { LatencyScale = 0.5 });
        var vm = slow.Arm.GetVirtualMachineResource(slow.Fleet.Vm("rdsh-prod-03").Id is var id ? new ResourceIdentifier(id) : null!);

        await vm.RunCommandAsync(WaitUntil.Started, Probe());
        var second = () => vm.RunCommandAsync(WaitUntil.Started, Probe());

        var error = (await second.Should().ThrowAsync<RequestFailedException>()).Which;
        error.Status.Should().Be(409);
        error.ErrorCode.Should().Be("Conflict");
        error.Message.Should().Contain("Run command extension execution is in progress");
    }

    [Fact]
    public async Task RunCommand_InjectedConflicts_ClearAfterTheirCount()
    {
        var vm = Vm("rdsh-dev-03");
        for (var i = 0; i < 2; i++)
        {
            var attempt = () => vm.RunCommandAsync(WaitUntil.Completed, Probe());
            (await attempt.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(409);
        }

        var result = await vm.RunCommandAsync(WaitUntil.Completed, Probe());

        result.Value.Value[0].Message.Should().StartWith("AZRDSFIX probe ");
        _sim.Azure.Counters.Conflicts.Should().Be(2);
    }

    [Fact]
    public async Task RunCommand_Deallocated_Is409OperationNotAllowed()
    {
        var attempt = () => Vm("rdsh-dev-01").RunCommandAsync(WaitUntil.Completed, Probe());

        var error = (await attempt.Should().ThrowAsync<RequestFailedException>()).Which;
        error.Status.Should().Be(409);
        error.ErrorCode.Should().Be("OperationNotAllowed");
    }

    [Fact]
    public async Task RunCommand_AgentNotReady_FailsTheOperation()
    {
        var attempt = () => Vm("rdsh-dev-02").RunCommandAsync(WaitUntil.Completed, Probe());

        var error = (await attempt.Should().ThrowAsync<RequestFailedException>()).Which;
        error.ErrorCode.Should().Be("VMAgentStatusCommunicationError");
    }

    [Fact]
    public async Task RunCommand_FloodedStdOut_CutsTheResultLine()
    {
        var result = await Vm("rdsh-dev-04").RunCommandAsync(WaitUntil.Completed, Probe());

        var stdout = result.Value.Value[0].Message;
        System.Text.Encoding.UTF8.GetByteCount(stdout).Should().BeLessThanOrEqualTo(4096);
        stdout.Should().NotContain("AZRDSFIX probe");
        stdout.Should().Contain("\"events\"", "the tail of the line survives, its head does not");
    }

    [Fact]
    public async Task ForbiddenSubscription_ListingVms_Is403AuthorizationFailed()
    {
        var subscription = _sim.Arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Forbidden));
        var attempt = async () =>
        {
            await foreach (var _ in subscription.GetVirtualMachinesAsync())
            {
            }
        };

        var error = (await attempt.Should().ThrowAsync<RequestFailedException>()).Which;
        error.Status.Should().Be(403);
        error.ErrorCode.Should().Be("AuthorizationFailed");
    }

    [Fact]
    public async Task Snapshot_CreateIncremental_ThenGet_Succeeded()
    {
        var vm = _sim.Fleet.Vm("rdsh-prod-01");
        var rg = _sim.Arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Production, vm.ResourceGroup));
        var data = new SnapshotData(new AzureLocation(vm.Location))
        {
            CreationData = new DiskCreationData(DiskCreateOption.Copy) { SourceResourceId = new ResourceIdentifier(vm.OsDiskIdAsCrpWritesIt) },
            Incremental = true,
            Tags = { ["azrdsfix-run"] = "run-1" },
        };

        var created = await rg.GetSnapshots().CreateOrUpdateAsync(WaitUntil.Completed, "azrdsfix-rdsh-prod-01-1", data);
        var fetched = (await rg.GetSnapshotAsync("azrdsfix-rdsh-prod-01-1")).Value;

        created.Value.Data.ProvisioningState.Should().Be("Succeeded");
        fetched.Data.Incremental.Should().BeTrue();
        fetched.Data.Tags.Should().Contain("azrdsfix-run", "run-1");
        fetched.Data.CreationData.SourceResourceId.ToString().Should().BeEquivalentTo(vm.OsDiskId);
        _sim.Azure.Counters[ArmOperation.DiskOperationStatus].Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Restart_NotReadyAgent_EndsRunningAndReady()
    {
        var vm = Vm("rdsh-dev-02");

        await vm.RestartAsync(WaitUntil.Completed);
        var view = (await vm.InstanceViewAsync()).Value;

        view.Statuses.Select(s => s.Code).Should().Contain("PowerState/running");
        view.VmAgent.Statuses.Single().DisplayStatus.Should().Be("Ready");
    }

    [Fact]
    public async Task Sdk_SendsApiVersionsOfTheRightTracks()
    {
        await Vm("rdsh-prod-03").InstanceViewAsync();
        await _sim.Arm.GetManagedDiskResource(new ResourceIdentifier(_sim.Fleet.Vm("rdsh-prod-03").OsDiskId)).GetAsync();

        var versions = _sim.Azure.Counters.ApiVersions();
        versions[ArmOperation.VirtualMachinesInstanceView].Should().OnlyContain(v => ApiVersions.Compute.Contains(v));
        versions[ArmOperation.DisksGet].Should().OnlyContain(v => ApiVersions.DiskRP.Contains(v));
    }

    private const string Production = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
    private const string DevTest = "5c4b3a29-1807-4f6e-9d5c-4b3a29180706";
    private const string Forbidden = "3d2c1b0a-9f8e-4d7c-b6a5-f4e3d2c1b0a9";

    private VirtualMachineResource Vm(string name) => _sim.Arm.GetVirtualMachineResource(new ResourceIdentifier(_sim.Fleet.Vm(name).Id));

    private static RunCommandInput Probe() => new("RunPowerShellScript") { Script = { ProbeEmulator.Header, "[CmdletBinding()]", "param()" } };
}
