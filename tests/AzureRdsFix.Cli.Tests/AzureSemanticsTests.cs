using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// Azure behaviours the simulator holds the tool to (docs/azure-facts.md): extension operations turned off, customer-
/// managed-key and ephemeral OS disks, the agent after a restart, and a gateway error after Azure accepted a Run Command.
/// </summary>
public sealed class AzureSemanticsTests
{
    private const string Sub = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
    private const string Des = "/subscriptions/" + Sub + "/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des-prod";

    private static Fleet OneVm(string vmJson) => Fleet.Parse(
        $$"""
        {
          "licenseServer": "ls01.contoso.com",
          "subscriptions": [
            { "id": "{{Sub}}", "displayName": "Semantics", "vms": [ {{vmJson}} ] }
          ]
        }
        """,
        "semantics-test");

    [Fact]
    public async Task Scan_ExtensionOperationsTurnedOff_IsUnreachableWithThatReasonAndNoRunCommandSent()
    {
        await using var sim = await SimulatorSession.StartAsync(OneVm("""{ "name": "rdsh-noext", "resourceGroup": "rg", "guest": "locked-out", "allowExtensionOperations": false }"""));

        var result = await sim.RunAsync("scan", "--out", sim.Out("scan"));

        result.ExitCode.Should().Be(1, result.StdErr);
        var vm = SimulatorSession.ReadReport(sim.Out("scan")).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Unreachable);
        vm.Reason.Should().Contain("allowExtensionOperations is false").And.Contain("nothing was sent");
        sim.Azure.Counters[ArmOperation.VirtualMachinesRunCommand].Should().Be(0, "Azure would refuse it: the model says so before anything is sent");
    }

    [Fact]
    public async Task Fix_CustomerManagedKeyDisk_SnapshotCarriesTheDisksEncryptionSet()
    {
        await using var sim = await SimulatorSession.StartAsync(OneVm($$"""{ "name": "rdsh-cmk", "resourceGroup": "rg", "guest": "locked-out", "diskEncryptionSetId": "{{Des}}" }"""));

        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--licensing-mode", "PerUser", "--yes");

        var vm = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason + " / " + result.StdErr);
        var snapshot = sim.Azure.Fleet.Subscriptions.Single().AllSnapshots.Should().ContainSingle().Subject;
        snapshot.DiskEncryptionSetId.Should().BeEquivalentTo(Des, "a disk and all of its incremental snapshots must have the same disk encryption set");
    }

    [Fact]
    public async Task Fix_EphemeralOsDisk_NeedsAttentionSayingItCannotBeSnapshottedAndChangesNothing()
    {
        await using var sim = await SimulatorSession.StartAsync(OneVm("""{ "name": "rdsh-eph", "resourceGroup": "rg", "guest": "locked-out", "ephemeralOsDisk": true }"""));

        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--licensing-mode", "PerUser", "--yes");

        var vm = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.NeedsAttention, result.StdErr);
        vm.Reason.Should().Contain("ephemeral OS disks cannot be snapshotted").And.NotContain("not a managed disk");
        sim.Azure.Fleet.Vm("rdsh-eph").WritingRunCommandsRun.Should().Be(0, "nothing is changed without a snapshot");
        sim.Azure.Counters[ArmOperation.SnapshotsCreateOrUpdate].Should().Be(0);
    }

    [Fact]
    public async Task Scan_TokenAlreadyExpired_StopsBeforeAnyCallWithOneSentenceAndExit3()
    {
        await using var sim = await SimulatorSession.StartAsync(OneVm("""{ "name": "rdsh-1", "resourceGroup": "rg", "guest": "locked-out" }"""));
        var token = Jwt(DateTimeOffset.UtcNow.AddMinutes(-5));

        var result = await sim.RunAsync(["scan", "--out", sim.Out("scan")], new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = token });

        result.ExitCode.Should().Be(3, result.StdErr);
        result.StdErr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("azrdsfix: The access token in AZRDSFIX_ACCESS_TOKEN expired at ");
        (result.StdOut + result.StdErr).Should().NotContain(token);
        sim.Azure.Counters.Total.Should().Be(0, "nothing is sent with a token that is known to be expired");
    }

    [Fact]
    public async Task Scan_TokenExpiresDuringTheRun_StopsWithOneSentenceAndExit3NotACascadeOf401s()
    {
        var vms = string.Join(",", Enumerable.Range(1, 8).Select(i => $$"""{ "name": "rdsh-{{i}}", "resourceGroup": "rg", "guest": "locked-out" }"""));
        await using var sim = await SimulatorSession.StartAsync(OneVm(vms), new SimulationOptions { LatencyScale = 0.05 });
        var token = Jwt(DateTimeOffset.UtcNow.AddSeconds(4));

        var result = await sim.RunAsync(["scan", "--out", sim.Out("scan"), "--max-parallel", "1"], new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = token });

        result.ExitCode.Should().Be(3, result.StdErr);
        var lines = result.StdErr.Trim().Split('\n');
        lines.Should().ContainSingle().Which.Should().StartWith("azrdsfix: The access token in AZRDSFIX_ACCESS_TOKEN expired at ").And.Contain("--resume");
        sim.Azure.Counters.Unauthenticated.Should().BeLessThanOrEqualTo(1, "at most a call already in flight meets the expiry; no 401 per remaining VM");
        var report = SimulatorSession.ReadReport(sim.Out("scan"));
        report.Vms.Count.Should().BeLessThan(8, "the run stopped; the rest is left for --resume");
    }

    [Fact]
    public async Task ResolveAudience_CustomEndpoint_ReadsTheAudienceFromMetadataEndpoints()
    {
        await using var sim = await SimulatorSession.StartAsync(OneVm("""{ "name": "rdsh-1", "resourceGroup": "rg", "guest": "locked-out" }"""));

        var (options, note) = await ArmClientFactory.ResolveAudienceAsync(new ConnectionOptions { ArmEndpoint = sim.Azure.Endpoint, PinnedCertificate = sim.Azure.Certificate }, CancellationToken.None);

        note.Should().BeNull();
        options.Audience.Should().Be(SimulatedAzure.TokenAudience);
        ArmClientFactory.ResolveEnvironment(options).DefaultScope.Should().Be(SimulatedAzure.TokenAudience + "/.default");
        var given = await ArmClientFactory.ResolveAudienceAsync(new ConnectionOptions { ArmEndpoint = sim.Azure.Endpoint, Audience = "https://given/" }, CancellationToken.None);
        given.Options.Audience.Should().Be("https://given/", "--audience wins over the metadata");
    }

    [Fact]
    public async Task Fix_AgentSlowToReportAfterTheRestart_VerifiesOnlyOnceTheAgentReportsAgain()
    {
        await using var sim = await SimulatorSession.StartAsync(OneVm("""{ "name": "rdsh-lag", "resourceGroup": "rg", "guest": "locked-out", "faults": { "agentLagAfterRestartMs": 3000 } }"""));

        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--licensing-mode", "PerUser", "--yes");

        var vm = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Should().ContainSingle().Subject;
        vm.Outcome.Should().Be(VmOutcome.Fixed, vm.Reason + " / " + result.StdErr);
        vm.Reason.Should().Contain("after restart");
        sim.Azure.Fleet.Vm("rdsh-lag").RunCommandsRun.Should().Be(3, "probe, remediation and one verify probe, sent once the agent was back");
    }

    [Fact]
    public async Task Fix_GatewayTimeoutAfterTheRemediationWasAccepted_DoesNotRunItTwiceAndSaysTheGuestMayBeChanged()
    {
        // The 2nd Run Command (the remediation, after the probe) runs in the guest, but the POST answers 504.
        await using var sim = await SimulatorSession.StartAsync(OneVm("""{ "name": "rdsh-gw", "resourceGroup": "rg", "guest": "locked-out", "faults": { "runCommandGatewayErrorAt": 2 } }"""));

        var result = await sim.RunAsync("fix", "--out", sim.Out("fix"), "--license-server", "ls01.contoso.com", "--licensing-mode", "PerUser", "--yes");

        var vm = SimulatorSession.ReadReport(sim.Out("fix")).Vms.Should().ContainSingle().Subject;
        sim.Azure.Fleet.Vm("rdsh-gw").WritingRunCommandsRun.Should().Be(1, "the remediation POST is not resent after a gateway error");
        sim.Azure.Counters[ArmOperation.VirtualMachinesRunCommand].Should().Be(2, "probe and remediation, each sent once");
        vm.Outcome.Should().Be(VmOutcome.Failed, result.StdErr);
        vm.Reason.Should().Contain("504 GatewayTimeout").And.Contain("outcome is unknown").And.Contain("may already be changed: resume");
        sim.Azure.Fleet.Vm("rdsh-gw").Guest!.LicensingChangedSinceRestart.Should().BeTrue("the guest was changed once, as the reason warns");
    }

    private static string Jwt(DateTimeOffset expires)
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Part($"{{\"aud\":\"{SimulatedAzure.TokenAudience}\",\"exp\":{expires.ToUnixTimeSeconds()}}}")}.c2lnbmF0dXJl";
    }
}
