using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Tests;

public sealed class FleetTests
{
    [Fact]
    public void Demo_CoversEveryScanOutcome()
    {
        var fleet = Fleet.Demo();

        fleet.VmCount.Should().Be(15);
        fleet.LicenseServer.Should().Be("ls01.contoso.com");
        fleet.Subscriptions.Should().HaveCount(4);
        fleet.Subscriptions.Count(s => s.State == "Enabled" && !s.Forbidden).Should().Be(2);
        fleet.Subscriptions.Should().ContainSingle(s => s.State == "Disabled");
        fleet.Subscriptions.Should().ContainSingle(s => s.Forbidden);
        fleet.Vms.Should().Contain(vm => vm.Os == OsKind.Linux);
        fleet.Vms.Should().Contain(vm => vm.Power == PowerState.Deallocated);
        fleet.Vms.Should().Contain(vm => vm.Agent == AgentState.NotReady);
        fleet.Vms.Should().Contain(vm => vm.Faults.RunCommandConflicts == 2);
        fleet.Vms.Should().Contain(vm => vm.Faults.TruncateStdout);
    }

    [Fact]
    public void Demo_LicenseServerAnswersFromEveryFixableGuest()
    {
        var fleet = Fleet.Demo();

        foreach (var name in new[] { "rdsh-prod-01", "rdsh-prod-02", "rdsh-dev-03", "rdsh-dev-05" })
        {
            ProbeEmulator.Reachability(fleet.Vm(name).Guest!, fleet.LicenseServer!).Should().Be((true, true), name);
        }
    }

    [Fact]
    public void Demo_EachCallIsFreshState()
    {
        var first = Fleet.Demo().Vm("rdsh-prod-01");
        var second = Fleet.Demo().Vm("rdsh-prod-01");

        second.Should().NotBeSameAs(first);
        second.Guest.Should().NotBeSameAs(first.Guest);
    }

    [Fact]
    public void Parse_InlineGuestAndDefaults()
    {
        var fleet = Fleet.Parse("""
            { "subscriptions": [ { "id": "11111111-2222-3333-4444-555555555555", "vms": [
                { "name": "vm1", "resourceGroup": "rg", "location": "West US 2",
                  "guest": { "computerName": "VM1", "registry": {}, "features": { "RDS-RD-Server": "Available" },
                             "terminalServiceSetting": null, "events": {}, "network": { "dns": [], "tcp135": [] } } } ] } ] }
            """, "inline.json");

        var vm = fleet.Vm("vm1");
        vm.Location.Should().Be("westus2");
        vm.Os.Should().Be(OsKind.Windows);
        vm.Power.Should().Be(PowerState.Running);
        vm.Guest!.ComputerName.Should().Be("VM1");
        fleet.Subscriptions[0].State.Should().Be("Enabled");
    }

    [Theory]
    [InlineData("{ not json", "is not a valid fleet")]
    [InlineData("""{ "subscriptions": [ { "id": "nope" } ] }""", "subscription id 'nope' is not a GUID")]
    [InlineData("""{ "subscriptions": [ { "id": "11111111-2222-3333-4444-555555555555", "vms": [ { "name": "a", "resourceGroup": "rg", "guest": "no-such" } ] } ] }""", "names guest fixture 'no-such', which does not exist; known fixtures: ")]
    [InlineData("""{ "subscriptions": [ { "id": "11111111-2222-3333-4444-555555555555", "vms": [ { "name": "a", "resourceGroup": "rg" } ] } ] }""", "Windows VM 'a' needs \"guest\"")]
    [InlineData("""{ "subscriptions": [ { "id": "11111111-2222-3333-4444-555555555555", "vms": [ { "name": "a", "resourceGroup": "rg", "os": "Linux", "power": "asleep" } ] } ] }""", "has power 'asleep'; expected running or deallocated or stopped")]
    [InlineData("""{ "subscriptons": [] }""", "is not a valid fleet: unknown property 'subscriptons'")]
    [InlineData("""{ "subscriptions": [ { "id": "11111111-2222-3333-4444-555555555555", "vms": [ { "name": "a", "power": 3 } ] } ] }""", "a value of the wrong type (text, number, true/false, list or object) (line 1, $.subscriptions[0].vms[0].power)")]
    public void Parse_BadFleet_OneClearSentence(string json, string expected)
    {
        var parse = () => Fleet.Parse(json, "bad.json");

        var message = parse.Should().Throw<FleetFormatException>().Which.Message;
        message.Should().StartWith("Fleet file 'bad.json'").And.Contain(expected).And.EndWith(".");
        message.Split(". ").Should().HaveCount(1, "one sentence");
    }

    [Fact]
    public void LoadFile_Missing_SaysItCannotBeRead()
    {
        var load = () => Fleet.LoadFile("/nonexistent/fleet.json");

        load.Should().Throw<FleetFormatException>().WithMessage("Fleet file '/nonexistent/fleet.json' cannot be read*");
    }

    [Fact]
    public void LoadFile_RoundTripsTheDemoFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fleet-{Guid.NewGuid():N}.json");
        using (var stream = typeof(Fleet).Assembly.GetManifestResourceStream("AzureRdsFix.Simulation.Fleets.demo.json")!)
        using (var file = File.Create(path))
        {
            stream.CopyTo(file);
        }

        try
        {
            Fleet.LoadFile(path).VmCount.Should().Be(Fleet.Demo().VmCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Generate_IsDeterministicMixedAndShared()
    {
        var a = Fleet.Generate(2000, 5, seed: 7);
        var b = Fleet.Generate(2000, 5, seed: 7);

        a.VmCount.Should().Be(2000);
        a.Subscriptions.Should().HaveCount(5);
        a.Vms.Select(v => (v.Name, v.Power, v.Guest?.ComputerName)).Should().Equal(b.Vms.Select(v => (v.Name, v.Power, v.Guest?.ComputerName)));
        a.Vms.Select(v => v.Guest?.ComputerName).Distinct().Should().HaveCountGreaterThan(5);
        a.Vms.Count(v => v.Os == OsKind.Linux).Should().BeInRange(20, 200);
        // Memory-light: VMs made from one fixture share one guest object until written to.
        a.Vms.Where(v => v.Guest is not null).Select(v => v.Guest).Distinct().Count().Should().BeLessThan(20);
        a.Throttle.Enabled.Should().BeTrue();
    }
}
