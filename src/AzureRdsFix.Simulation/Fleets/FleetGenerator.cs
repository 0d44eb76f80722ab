using System.Globalization;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Fleets;

/// <summary>
/// Builds big fleets for the benchmark: deterministic for a seed, a realistic mix of guests, 40 VMs per resource group.
/// Memory stays light because VMs made from one fixture share its guest state until a remediation writes to one.
/// Compute's throttle model is on (refill 60× faster than real time); the simulator's options can change both.
/// </summary>
internal static class FleetGenerator
{
    private const int VmsPerResourceGroup = 40;
    private static readonly Dictionary<string, string> BenchTags = new() { ["env"] = "bench" };
    private static readonly string[] Locations = ["westeurope", "northeurope", "eastus", "eastus2", "westus2", "uksouth"];

    // (fixture, weight): mostly locked-out and healthy session hosts, some of every other kind.
    private static readonly (string Fixture, int Weight)[] Mix =
    [
        ("locked-out", 30), ("healthy", 25), ("grace-expiring", 10), ("no-rdsh", 10), ("server-unreachable", 5),
        ("gpo-managed", 5), ("licensing-role-unused", 3), ("no-cim-class", 2), ("empty-eventlog", 3), ("client-os", 2),
    ];

    public static Fleet Generate(int vms, int subscriptions, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vms);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriptions, 1);
        var random = new Random(seed);
        var fleet = new Fleet(FleetBuilder.DefaultTenantId, "ls01.contoso.com", FleetFaults.None, Fleet.DefaultPageSizes, new ThrottleSettings(true, 60));
        var mix = Mix.Where(m => GuestFixtures.Exists(m.Fixture)).ToArray();
        var shared = mix.ToDictionary(m => m.Fixture, m => GuestFixtures.Get(m.Fixture).CreateState());
        var totalWeight = mix.Sum(m => m.Weight);
        var subs = Enumerable.Range(0, subscriptions)
            .Select(i => fleet.AddSubscription(GuidFor(seed, "sub", i), $"Bench subscription {i + 1:D3}", "Enabled", forbidden: false))
            .ToArray();
        for (var i = 0; i < vms; i++)
        {
            var subscription = subs[i % subscriptions];
            var indexInSub = i / subscriptions;
            var resourceGroup = string.Create(CultureInfo.InvariantCulture, $"rg-bench-{indexInSub / VmsPerResourceGroup:D3}");
            var location = Locations[(indexInSub / VmsPerResourceGroup) % Locations.Length];
            var roll = random.Next(100);
            var os = roll < 4 ? OsKind.Linux : OsKind.Windows;
            var power = roll is >= 4 and < 8 ? PowerState.Deallocated : PowerState.Running;
            var agent = roll is >= 8 and < 10 ? AgentState.NotReady : AgentState.Ready;
            var faults = roll == 10 ? new VmFaults(RunCommandConflicts: 1) : VmFaults.None;
            var guest = os == OsKind.Windows ? shared[Pick(mix, random.Next(totalWeight))] : null;
            Fleet.NewVm(subscription, string.Create(CultureInfo.InvariantCulture, $"vm-{i:D6}"), resourceGroup, location, os, power, agent,
                "Standard_D2s_v5", BenchTags, guest, faults);
        }

        return fleet;
    }

    private static string Pick((string Fixture, int Weight)[] mix, int value)
    {
        foreach (var (fixture, weight) in mix)
        {
            if (value < weight)
            {
                return fixture;
            }

            value -= weight;
        }

        return mix[^1].Fixture;
    }

    private static string GuidFor(int seed, string kind, int index)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}/{kind}/{index}"));
        return new Guid(bytes.AsSpan(0, 16)).ToString();
    }
}
