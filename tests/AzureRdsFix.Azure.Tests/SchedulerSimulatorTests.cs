using System.Diagnostics;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

/// <summary>The scheduler and the tool's own LRO polling, through the real SDK against the simulated Azure.</summary>
public sealed class SchedulerSimulatorTests
{
    private static readonly TriageFacts Ready = new(OsKind.Windows, PowerState.Running, AgentState.Ready);

    private static readonly GuestScriptRequest Probe = new("Get-RdsLicensingState", "probe", ["Write-Output 'x'"], []);

    private static ArmClient Client(SimulatedAzure azure, AzureScheduler scheduler) => ArmClientFactory.Create(
        new ConnectionOptions
        {
            ArmEndpoint = azure.Endpoint,
            Auth = AuthMode.Token,
            PinnedCertificate = azure.Certificate,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            Scheduler = scheduler,
        },
        name => name == ArmClientFactory.AccessTokenVariable ? "sim-token" : null);

    private static VmRef Ref(SimulatedVm vm) => new(vm.Id, vm.Name, vm.SubscriptionId, vm.ResourceGroup, vm.Location, new Dictionary<string, string>());

    [Fact]
    public async Task RunAsync_RunCommandOf2500Ms_IsSeenDoneSoonAfterItEnds()
    {
        // A Run Command that takes exactly 2.5 s. The SDK's own polling (1, 1, 1, 2 … s) would see it at ~3 s; the tool,
        // on a clock 10× fast (as in the benchmark: 1 s of its time is 0.1 s here), polls every 0.1–0.15 s.
        var fleet = Fleet.Generate(4, 1, seed: 3);
        await using var azure = await SimulatedAzure.StartAsync(fleet, new SimulationOptions { LatencyScale = 0, Faults = new FleetFaults(LroDelay: TimeSpan.FromMilliseconds(2500)) });
        var time = new ScaledTimeProvider(0.1);
        var scheduler = new AzureScheduler(time);
        var channel = new RunCommandGuestChannel(Client(azure, scheduler), new GuestChannelOptions(), time, new LroPoller(scheduler));
        var vm = fleet.Vms.First(v => v.Os == OsKind.Windows && v.Power == PowerState.Running && v.Agent == AgentState.Ready && v.Faults.RunCommandConflicts == 0);
        await channel.RunAsync(Ref(vm), Ready, Probe, CancellationToken.None); // warm the connection and the SDK

        var clock = Stopwatch.StartNew();
        await channel.RunAsync(Ref(vm), Ready, Probe, CancellationToken.None);
        clock.Stop();

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(2500));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(2850), "completion is observed within a few hundred ms, not at the SDK's next 1-s step");
        azure.Counters.Throttled.Should().Be(0);
    }

    [Fact]
    public async Task Pipeline_SimulatorHeaders_CorrectTheArmReadBucket()
    {
        var fleet = Fleet.Generate(4, 1, seed: 3);
        await using var azure = await SimulatedAzure.StartAsync(fleet, SimulationOptions.Instant with { Throttle = new ThrottleSettings(Enabled: true) });
        // Seeded far below ARM's 250 reads: only Azure's headers can tell the tool there is more.
        var scheduler = new AzureScheduler(new FastForwardTimeProvider(), new PublishedLimits { ArmReads = new BucketLimit(10, 0.001) });
        var client = Client(azure, scheduler);
        var vm = fleet.Vms.First();

        for (var i = 0; i < 5; i++)
        {
            await client.GetVirtualMachineResource(new ResourceIdentifier(vm.Id)).GetAsync();
        }

        var reads = scheduler.BucketsFor(RequestShape.Classify("GET", vm.Id))[^1];
        reads.Capacity.Should().BeInRange(240, 250, "the simulator's subscription read bucket holds 250");
        reads.Available.Should().BeInRange(240, 250, "Azure's count after five reads replaces the seeded 10 − 5");
        scheduler.Requests.Should().Be(5);
        scheduler.Throttled.Should().Be(0);
    }
}
