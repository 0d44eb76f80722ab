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
}
