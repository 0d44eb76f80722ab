using Azure;
using Azure.ResourceManager.Compute.Models;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class GuestChannelTests
{
    private const string Sub = "11111111-1111-1111-1111-111111111111";
    private const string Probe = "AZRDSFIX probe {\"schema\":1,\"rdsh\":{\"installed\":true}}";
    private static readonly TriageFacts Ready = new(OsKind.Windows, PowerState.Running, AgentState.Ready);

    private static readonly GuestScriptRequest Request = new(
        "Get-RdsLicensingState",
        "probe",
        ["[CmdletBinding()]", "param([string]$LicenseServers)", "Write-Output \"AZRDSFIX probe {}\""],
        [new("LicenseServers", "ls1.contoso.com,ls2.contoso.com")]);

    private static RunCommandGuestChannel Channel(FakeArm arm, FastForwardTimeProvider? time = null, int busyRetries = 3) =>
        new(TestArm.Client(arm), new GuestChannelOptions { BusyRetries = busyRetries }, time ?? new FastForwardTimeProvider());

    [Fact]
    public async Task RunAsync_RunCommand_SendsLinesAndParametersAndReturnsStdOutAndStdErr()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", probeStdout: Probe);
        vm.RunCommandResponder = call => new FakeRunCommandOutput(Probe, "#< CLIXML progress");
        arm.PollsBeforeDone = 1;

        var result = await Channel(arm).RunAsync(TriageTests.Ref(vm), Ready, Request, CancellationToken.None);

        result.Should().Be(new GuestRunResult(Probe, "#< CLIXML progress", "RunCommand"));
        var call = vm.RunCommands.Should().ContainSingle().Subject;
        call.CommandId.Should().Be("RunPowerShellScript");
        call.Script.Should().Equal(Request.Lines);
        call.Parameters.Should().Equal(new Dictionary<string, string> { ["LicenseServers"] = "ls1.contoso.com,ls2.contoso.com" });
        arm.CountRequests("GET", "/operations/").Should().BeGreaterThanOrEqualTo(2, "the SDK polls Azure-AsyncOperation and then reads Location");
    }

    [Fact]
    public async Task RunAsync_ConflictOnce_BacksOffAndSucceeds()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", probeStdout: Probe);
        vm.RunCommandConflicts = 1;
        var time = new FastForwardTimeProvider();

        var result = await Channel(arm, time).RunAsync(TriageTests.Ref(vm), Ready, Request, CancellationToken.None);

        result.StdOut.Should().Be(Probe);
        arm.CountRequests("POST", "/runCommand").Should().Be(2);
        time.Skipped.Should().BePositive("the retry waited (on the injected clock)");
    }

    [Fact]
    public async Task RunAsync_ConflictOutlastsRetries_ThrowsAndDescribesBusy()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", probeStdout: Probe);
        vm.RunCommandConflicts = 100;

        var act = () => Channel(arm, busyRetries: 2).RunAsync(TriageTests.Ref(vm), Ready, Request, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<RequestFailedException>()).Which;
        arm.CountRequests("POST", "/runCommand").Should().Be(3);
        var failure = AzureErrors.Translate(error, "run the probe on VM vm1");
        failure.Kind.Should().Be(AzureErrorKind.Unreachable);
        failure.Message.Should().Be("Could not run the probe on VM vm1: another Run Command was still running on the VM after repeated retries (409 Conflict); run again once it finishes (Run Command scripts time out after 90 minutes).");
    }

    [Theory]
    [InlineData(OsKind.Windows, PowerState.Deallocated, AgentState.Absent, "not running")]
    [InlineData(OsKind.Windows, PowerState.Running, AgentState.NotReady, "not Ready")]
    [InlineData(OsKind.Linux, PowerState.Running, AgentState.Ready, "not a Windows VM")]
    public async Task RunAsync_TriageSaysNo_RefusesWithoutCallingAzure(OsKind os, PowerState power, AgentState agent, string reason)
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", os, power, agent);

        var act = () => Channel(arm).RunAsync(TriageTests.Ref(vm), new TriageFacts(os, power, agent), Request, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<GuestChannelRefusedException>()).Which;
        error.Message.Should().Contain(reason);
        AzureErrors.Classify(error).Should().Be(AzureErrorKind.Unreachable);
        arm.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_VmDeallocatedSinceTriage_DescribesNotRunning()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", power: PowerState.Deallocated, agent: AgentState.Absent);

        var act = () => Channel(arm).RunAsync(TriageTests.Ref(vm), Ready, Request, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<RequestFailedException>()).Which;
        var failure = AzureErrors.Translate(error, "run the probe on VM vm1");
        failure.Kind.Should().Be(AzureErrorKind.Unreachable);
        failure.Message.Should().Contain("the VM is not running (409 OperationNotAllowed");
    }

    [Fact]
    public async Task RunAsync_AgentStopsReporting_LroFailureDescribesAgent()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1", agent: AgentState.NotReady);

        var act = () => Channel(arm).RunAsync(TriageTests.Ref(vm), Ready, Request, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<RequestFailedException>()).Which;
        var failure = AzureErrors.Translate(error, "run the probe on VM vm1");
        failure.Kind.Should().Be(AzureErrorKind.Unreachable);
        failure.Code.Should().Be("VMAgentStatusCommunicationError");
        failure.Message.Should().StartWith("Could not run the probe on VM vm1: the VM agent did not report status to Azure (VMAgentStatusCommunicationError)");
    }

    [Fact]
    public async Task RunAsync_LongStdOut_ComesBackAsItsLast4096Bytes()
    {
        await using var arm = await FakeArm.StartAsync();
        var line = "AZRDSFIX probe {\"x\":1}";
        var vm = arm.AddVm(Sub, "rg", "vm1", probeStdout: new string('.', 5000) + "\n" + line);

        var result = await Channel(arm).RunAsync(TriageTests.Ref(vm), Ready, Request, CancellationToken.None);

        result.StdOut.Length.Should().Be(4096);
        result.StdOut.Should().EndWith(line);
    }

    [Fact]
    public void ReadResult_StreamsOutOfOrder_AreFoundByCode()
    {
        var result = ArmComputeModelFactory.VirtualMachineRunCommandResult(
        [
            new InstanceViewStatus { Code = "ComponentStatus/StdErr/succeeded", Message = "err" },
            new InstanceViewStatus { Code = "ComponentStatus/StdOut/succeeded", Message = "out" },
        ]);

        RunCommandGuestChannel.ReadResult(result).Should().Be(new GuestRunResult("out", "err", "RunCommand"));
    }
}
