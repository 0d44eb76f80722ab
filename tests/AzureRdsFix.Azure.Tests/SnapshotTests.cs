using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Snapshots;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class SnapshotTests
{
    private const string Sub = "11111111-1111-1111-1111-111111111111";
    private static readonly Dictionary<string, string> Tags = new() { ["azrdsfix-run"] = "20250101T020000Z-ab12", ["azrdsfix-vm"] = "vm1" };

    [Fact]
    public void For_SameInputs_IsDeterministicAndValid()
    {
        var name = SnapshotNaming.For("20250101T020000Z-ab12", "rdsh01");

        name.Should().Be("azrdsfix-rdsh01-20250101T020000Z-ab12");
        SnapshotNaming.For("20250101T020000Z-ab12", "rdsh01").Should().Be(name);
    }

    [Theory]
    [InlineData("run:1/2", "vm with spaces")]
    [InlineData("20250101T020000Z-ab12", "a-very-long-virtual-machine-name-that-uses-all-sixty-four-chars1")]
    [InlineData("run-", "vm.")]
    public void For_AnyInput_FitsArmSnapshotNameRules(string runId, string vmName)
    {
        var name = SnapshotNaming.For(runId, vmName);

        name.Length.Should().BeLessThanOrEqualTo(80);
        name.Should().MatchRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$");
    }

    [Fact]
    public void For_LongNamesThatDifferOnlyAtTheEnd_StayDistinct()
    {
        var stem = new string('v', 63);

        SnapshotNaming.For("20250101T020000Z-ab12", stem + "1").Should().NotBe(SnapshotNaming.For("20250101T020000Z-ab12", stem + "2"));
    }

    [Fact]
    public async Task CreateVerifiedSnapshotAsync_DeniedByPolicy_IsAPolicyFailureNamingTheAssignment()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg-prod", "vm1");
        // Shape from Learn "Resolve errors for request disallowed by policy" (HTTP 403, code RequestDisallowedByPolicy).
        arm.AddFault(new FakeFault("PUT", "/snapshots/", 403, "RequestDisallowedByPolicy",
            "Resource 'azrdsfix-vm1-run1' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"Snapshots need a cost-center tag\",\"id\":\"/subscriptions/" + Sub + "/providers/Microsoft.Authorization/policyAssignments/1111aa2222bb3333cc4444dd\"},\"policyDefinition\":{\"name\":\"Require a tag on resources\",\"id\":\"/providers/Microsoft.Authorization/policyDefinitions/871b6d14-10aa-478d-b590-94f262ecfa99\"}}]'."));
        var service = new ArmSnapshotService(TestArm.Client(arm), new LroPoller(new AzureScheduler(new FastForwardTimeProvider())));

        var act = () => service.CreateVerifiedSnapshotAsync(TriageTests.Ref(vm), vm.OsDiskIdAsReported, "azrdsfix-vm1-run1", Tags, CancellationToken.None);

        var thrown = (await act.Should().ThrowAsync<Exception>()).Which;
        var failure = AzureErrors.Translate(thrown, "snapshot the OS disk");
        failure.Kind.Should().Be(AzureErrorKind.Failed, "a policy denial is not a missing role: it is not remembered as an authorization refusal");
        failure.Message.Should().Be("Could not snapshot the OS disk: Azure Policy denied it (policy assignment 'Snapshots need a cost-center tag' of definition 'Require a tag on resources', 403 RequestDisallowedByPolicy); ask the policy's owner for an exemption or change the assignment, then run again.");
    }

    [Fact]
    public async Task CreateVerifiedSnapshotAsync_OsDisk_MakesIncrementalCopyBesideTheDisk()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "Rg-Prod", "vm1", location: "northeurope");
        var service = new ArmSnapshotService(TestArm.Client(arm), new LroPoller(new AzureScheduler(new FastForwardTimeProvider())));

        var info = await service.CreateVerifiedSnapshotAsync(TriageTests.Ref(vm), vm.OsDiskIdAsReported, "azrdsfix-vm1-run1", Tags, CancellationToken.None);

        info.State.Should().Be("Succeeded");
        info.Id.Should().BeEquivalentTo($"/subscriptions/{Sub}/resourceGroups/Rg-Prod/providers/Microsoft.Compute/snapshots/azrdsfix-vm1-run1");
        var snapshot = arm.Snapshots.Should().ContainSingle().Subject;
        snapshot.Incremental.Should().BeTrue();
        snapshot.Location.Should().Be("northeurope");
        snapshot.SourceResourceId.Should().BeEquivalentTo(vm.OsDiskIdAsReported);
        snapshot.Tags.Should().BeEquivalentTo(Tags);
        arm.CountRequests("GET", "/DiskOperations/").Should().BeGreaterThanOrEqualTo(1);
        arm.CountRequests("GET", "/snapshots/azrdsfix-vm1-run1").Should().BeGreaterThanOrEqualTo(1, "the snapshot is read back");

        (await service.GetSnapshotAsync(info.Id, CancellationToken.None)).Should().Be(info);
    }

    [Fact]
    public async Task CreateVerifiedSnapshotAsync_SnapshotNotSucceeded_ThrowsClearError()
    {
        await using var arm = await FakeArm.StartAsync();
        var vm = arm.AddVm(Sub, "rg", "vm1");
        arm.SnapshotFinalState = "Failed";
        var service = new ArmSnapshotService(TestArm.Client(arm), new LroPoller(new AzureScheduler(new FastForwardTimeProvider())));

        var act = () => service.CreateVerifiedSnapshotAsync(TriageTests.Ref(vm), vm.OsDiskIdAsReported, "snap1", Tags, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<SnapshotNotSucceededException>()).Which;
        AzureErrors.Describe(error, "snapshot VM vm1")
            .Should().Be("Could not snapshot VM vm1: snapshot snap1 of the OS disk of VM vm1 is in provisioningState 'Failed', not Succeeded, so no change will be made to this VM.");
    }

    [Fact]
    public async Task GetSnapshotAsync_Missing_IsNull()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.AddResourceGroup(Sub, "rg");
        var service = new ArmSnapshotService(TestArm.Client(arm), new LroPoller(new AzureScheduler(new FastForwardTimeProvider())));

        var info = await service.GetSnapshotAsync($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/snapshots/none", CancellationToken.None);

        info.Should().BeNull();
    }
}
