using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class DiscoveryTests
{
    private const string Sub1 = "11111111-1111-1111-1111-111111111111";
    private const string Sub2 = "22222222-2222-2222-2222-222222222222";
    private const string Disabled = "33333333-3333-3333-3333-333333333333";
    private const string Forbidden = "44444444-4444-4444-4444-444444444444";

    private static async Task<FakeArm> FleetAsync()
    {
        var arm = await FakeArm.StartAsync();
        arm.RequiredToken = TestArm.Token;
        arm.AddSubscription(Sub1, "Prod").AddSubscription(Sub2, "Dev").AddSubscription(Disabled, "Old", state: "Disabled");
        for (var i = 1; i <= 5; i++)
        {
            arm.AddVm(Sub1, i <= 3 ? "rg-rds" : "rg-other", $"rdsh{i}", tags: new Dictionary<string, string> { ["role"] = i % 2 == 0 ? "rdsh" : "web" });
        }

        arm.AddVm(Sub2, "Rg-Dev", "dev1", os: OsKind.Linux);
        arm.AddVm(Disabled, "rg-old", "old1");
        return arm;
    }

    private static async Task<List<DiscoveryItem>> DiscoverAsync(FakeArm arm, DiscoveryScope scope)
    {
        var discovery = new ArmFleetDiscovery(TestArm.Client(arm));
        var items = new List<DiscoveryItem>();
        await foreach (var item in discovery.DiscoverAsync(scope, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Failures other than the reported skip of the fleet's Disabled subscription.</summary>
    private static List<DiscoveryFailure> Failures(IEnumerable<DiscoveryItem> items) =>
        items.OfType<DiscoveryFailure>().Where(f => f.Error.Scope != $"subscription {Disabled}").ToList();

    private static List<DiscoveredVm> Vms(IEnumerable<DiscoveryItem> items) => items.OfType<DiscoveredVm>().ToList();

    [Fact]
    public async Task DiscoverAsync_DefaultScope_FollowsEveryPageAndSkipsDisabledSubscriptions()
    {
        await using var arm = await FleetAsync();

        var items = await DiscoverAsync(arm, new DiscoveryScope());

        Vms(items).Select(v => v.Vm.Name).Should().BeEquivalentTo(["rdsh1", "rdsh2", "rdsh3", "rdsh4", "rdsh5", "dev1"]);
        items.OfType<DiscoveryFailure>().Should().ContainSingle().Which.Error.Scope.Should().Be($"subscription {Disabled}", "the skip is reported");
        arm.CountRequests("GET", "%24skiptoken").Should().BeGreaterThan(2, "pages, the empty middle page and the empty last page are all followed");
        arm.CountRequests("GET", $"/subscriptions/{Disabled}/").Should().Be(0);
    }

    [Fact]
    public async Task DiscoverAsync_SubscriptionStates_ScansWarnedAndPastDueAndReportsEverySkip()
    {
        // Learn "Azure subscription states": Warned and Past due keep working; Disabled and Deleted do not.
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = TestArm.Token;
        string[] states = ["Enabled", "Warned", "PastDue", "Disabled", "Deleted"];
        foreach (var (state, i) in states.Select((s, i) => (s, i)))
        {
            var id = $"{i + 1}{i + 1}{i + 1}{i + 1}0000-0000-0000-0000-000000000000";
            arm.AddSubscription(id, $"{state} sub", state: state);
            arm.AddVm(id, "rg", $"vm-{state.ToLowerInvariant()}");
        }

        var items = await DiscoverAsync(arm, new DiscoveryScope());

        Vms(items).Select(v => v.Vm.Name).Should().BeEquivalentTo(["vm-enabled", "vm-warned", "vm-pastdue"]);
        items.OfType<DiscoveryFailure>().Select(f => f.Error.Message).Should().BeEquivalentTo(
        [
            "Subscription 44440000-0000-0000-0000-000000000000 (Disabled sub) is Disabled: Azure keeps its VMs deallocated or read-only, so it was skipped and none of its VMs were scanned.",
            "Subscription 55550000-0000-0000-0000-000000000000 (Deleted sub) is Deleted: Azure keeps its VMs deallocated or read-only, so it was skipped and none of its VMs were scanned.",
        ]);
    }

    [Theory]
    [InlineData("Warned", true)]
    [InlineData("PastDue", true)]
    [InlineData("Disabled", false)]
    public async Task DiscoverAsync_NamedSubscriptionByState_ScansOnlyUsableOnes(string state, bool scanned)
    {
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = TestArm.Token;
        arm.AddSubscription(Sub1, "Named", state: state);
        arm.AddVm(Sub1, "rg", "vm1");

        var items = await DiscoverAsync(arm, new DiscoveryScope { Subscriptions = [Sub1] });

        Vms(items).Should().HaveCount(scanned ? 1 : 0);
        items.OfType<DiscoveryFailure>().Should().HaveCount(scanned ? 0 : 1);
    }

    [Fact]
    public async Task DiscoverAsync_ManySubscriptions_InterleavesThemSoEachBudgetIsUsed()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = TestArm.Token;
        arm.AddSubscription(Sub1, "Prod").AddSubscription(Sub2, "Dev");
        for (var i = 1; i <= 20; i++)
        {
            arm.AddVm(Sub1, "rg-a", $"a{i}");
            arm.AddVm(Sub2, "rg-b", $"b{i}");
        }

        var items = Vms(await DiscoverAsync(arm, new DiscoveryScope()));

        items.Should().HaveCount(40);
        items.Take(20).Select(v => v.Vm.SubscriptionId).Distinct().Should().HaveCount(2, "the second subscription is not kept waiting behind the first");
    }

    [Fact]
    public async Task DiscoverAsync_VmDocument_GivesRefOsAndUpperCasedDiskId()
    {
        await using var arm = await FleetAsync();

        var items = Vms(await DiscoverAsync(arm, new DiscoveryScope { Subscriptions = [Sub2] }));

        var dev = items.Should().ContainSingle().Subject;
        dev.Os.Should().Be(OsKind.Linux);
        dev.Vm.SubscriptionId.Should().Be(Sub2);
        dev.Vm.ResourceGroup.Should().Be("Rg-Dev");
        dev.Vm.Location.Should().Be("westeurope");
        dev.Vm.Id.Should().Be($"/subscriptions/{Sub2}/resourceGroups/Rg-Dev/providers/Microsoft.Compute/virtualMachines/dev1");
        dev.OsDiskId.Should().Contain("/resourceGroups/RG-DEV/");
    }

    [Fact]
    public async Task DiscoverAsync_ForbiddenSubscription_YieldsScopeErrorAndOthersStillListed()
    {
        await using var arm = await FleetAsync();
        arm.AddSubscription(Forbidden, "Locked", forbidden: true);
        arm.AddVm(Forbidden, "rg", "hidden");

        var items = await DiscoverAsync(arm, new DiscoveryScope());

        Vms(items).Should().HaveCount(6);
        var failure = Failures(items).Should().ContainSingle().Subject;
        failure.Kind.Should().Be(AzureErrorKind.Auth);
        failure.Error.Scope.Should().Contain(Forbidden);
        failure.Error.Message.Should().Contain("'Microsoft.Compute/virtualMachines/read'").And.Contain("403 AuthorizationFailed");
    }

    [Fact]
    public async Task DiscoverAsync_UnknownNamedSubscription_YieldsNotVisibleSentence()
    {
        await using var arm = await FleetAsync();
        const string unknown = "99999999-9999-9999-9999-999999999999";

        var items = await DiscoverAsync(arm, new DiscoveryScope { Subscriptions = [unknown, Sub2] });

        Vms(items).Select(v => v.Vm.Name).Should().Equal("dev1");
        items.OfType<DiscoveryFailure>().Single().Error.Message
            .Should().Be($"Subscription {unknown} was not found or is not visible to this identity.");
    }

    [Fact]
    public async Task DiscoverAsync_NamedDisabledSubscription_SaysSoInsteadOfListing()
    {
        await using var arm = await FleetAsync();

        var items = await DiscoverAsync(arm, new DiscoveryScope { Subscriptions = [Disabled] });

        items.OfType<DiscoveryFailure>().Single().Error.Message.Should().Contain("Disabled");
        Vms(items).Should().BeEmpty();
    }

    [Fact]
    public async Task DiscoverAsync_ResourceGroups_ListsPerGroupAndReportsMissingGroup()
    {
        await using var arm = await FleetAsync();

        var items = await DiscoverAsync(arm, new DiscoveryScope { Subscriptions = [Sub1], ResourceGroups = ["RG-RDS", "rg-missing"] });

        Vms(items).Select(v => v.Vm.Name).Should().BeEquivalentTo(["rdsh1", "rdsh2", "rdsh3"]);
        items.OfType<DiscoveryFailure>().Single().Error.Message.Should().Contain("rg-missing").And.Contain("ResourceGroupNotFound");
        arm.CountRequests("GET", $"/subscriptions/{Sub1}/providers/Microsoft.Compute/virtualMachines").Should().Be(0);
    }

    [Fact]
    public async Task DiscoverAsync_TagFilter_KeepsOnlyMatchingVms()
    {
        await using var arm = await FleetAsync();

        var items = await DiscoverAsync(arm, new DiscoveryScope { Tags = [new("ROLE", "rdsh")] });

        Vms(items).Select(v => v.Vm.Name).Should().BeEquivalentTo(["rdsh2", "rdsh4"]);
    }

    [Fact]
    public async Task DiscoverAsync_VmNames_FilterAndReportNamesThatMatchedNothing()
    {
        await using var arm = await FleetAsync();

        var items = await DiscoverAsync(arm, new DiscoveryScope { Vms = ["RDSH3", "nosuchvm"] });

        Vms(items).Select(v => v.Vm.Name).Should().Equal("rdsh3");
        Failures(items).Single().Error.Message.Should().Contain("nosuchvm");
    }

    [Fact]
    public async Task DiscoverAsync_VmResourceIds_ReadsEachVmWithoutListing()
    {
        await using var arm = await FleetAsync();
        var target = arm.Vms.Single(v => v.Name == "rdsh4");
        var missing = $"/subscriptions/{Sub1}/resourceGroups/rg-rds/providers/Microsoft.Compute/virtualMachines/gone";

        var items = await DiscoverAsync(arm, new DiscoveryScope { Vms = [target.Id.ToUpperInvariant(), missing] });

        Vms(items).Single().Vm.Name.Should().Be("rdsh4");
        items.OfType<DiscoveryFailure>().Single().Error.Scope.Should().Be(missing);
        arm.Requests.Should().NotContain(r => r.Contains("virtualMachines?", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task DiscoverAsync_Shards_PartitionTheFleet()
    {
        await using var arm = await FleetAsync();

        var first = Vms(await DiscoverAsync(arm, new DiscoveryScope { Shard = new Shard(1, 2) })).Select(v => v.Vm.Id).ToList();
        var second = Vms(await DiscoverAsync(arm, new DiscoveryScope { Shard = new Shard(2, 2) })).Select(v => v.Vm.Id).ToList();

        first.Should().NotIntersectWith(second);
        first.Concat(second).Should().HaveCount(6);
        first.Should().OnlyContain(id => new Shard(1, 2).Contains(id));
    }

    [Fact]
    public async Task DiscoverAsync_OneOff502WhilePaging_IsRetriedBySdk()
    {
        await using var arm = await FleetAsync();
        arm.AddFault(new FakeFault("GET", "/virtualMachines", 502, "ProviderError", "Resource provider 'Microsoft.Compute' failed to return collection response for type 'virtualMachines'."));

        var items = await DiscoverAsync(arm, new DiscoveryScope { Subscriptions = [Sub1] });

        Vms(items).Should().HaveCount(5);
    }
}
