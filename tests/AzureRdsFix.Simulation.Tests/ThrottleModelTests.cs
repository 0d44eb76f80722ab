using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Tests;

/// <summary>Compute's token buckets: Run Command draws on the per-VM UpdateVM bucket (12 burst, 4 per minute).</summary>
public sealed class ThrottleModelTests
{
    [Fact]
    public async Task RunCommand_ThirteenthInABurstOnOneVm_Is429WithRetryAfterUntilNextToken()
    {
        var clock = new ManualClock();
        await using var sim = await SimulatorSession.StartAsync(
            options: SimulationOptions.Instant with { Throttle = new ThrottleSettings(Enabled: true, TimeScale: 1), Time = clock });
        var vm = sim.Fleet.Vm("rdsh-prod-03");

        var statuses = new List<HttpStatusCode>();
        string? lastHeader = null;
        for (var i = 0; i < 13; i++)
        {
            using var response = await PostProbeAsync(sim, vm);
            statuses.Add(response.StatusCode);
            lastHeader = response.Headers.TryGetValues("x-ms-ratelimit-remaining-resource", out var values) ? values.Single() : lastHeader;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(15), "4 tokens a minute");
            }
        }

        statuses.Take(12).Should().OnlyContain(s => s == HttpStatusCode.Accepted);
        statuses[12].Should().Be(HttpStatusCode.TooManyRequests);
        lastHeader.Should().Be("Microsoft.Compute/UpdateVM;1488", "a per-VM 429 carries the subscription's own (non-zero) count, so a client can tell it from a subscription-wide one");
        sim.Azure.Counters.Throttled.Should().Be(1);

        // Another VM has its own bucket; this one refills with time.
        using (var other = await PostProbeAsync(sim, sim.Fleet.Vm("rdsh-prod-02")))
        {
            other.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        clock.Advance(TimeSpan.FromSeconds(15));
        using var refilled = await PostProbeAsync(sim, vm);
        refilled.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task TimeScale_SpeedsUpRefill()
    {
        var clock = new ManualClock();
        await using var sim = await SimulatorSession.StartAsync(
            options: SimulationOptions.Instant with { Throttle = new ThrottleSettings(Enabled: true, TimeScale: 60), Time = clock });
        var vm = sim.Fleet.Vm("rdsh-prod-03");
        for (var i = 0; i < 12; i++)
        {
            (await PostProbeAsync(sim, vm)).Dispose();
        }

        using var throttled = await PostProbeAsync(sim, vm);
        clock.Advance(TimeSpan.FromSeconds(0.25));
        using var refilled = await PostProbeAsync(sim, vm);

        throttled.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1), "Retry-After is at least a second");
        refilled.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Lists_DrawOnTheSubscriptionHighCostGetBucket()
    {
        await using var sim = await SimulatorSession.StartAsync(
            options: SimulationOptions.Instant with { Throttle = new ThrottleSettings(Enabled: true), Time = new ManualClock() });

        using var response = await sim.Http.GetAsync($"subscriptions/{sim.Fleet.Subscriptions[0].Id}/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01");

        response.Headers.GetValues("x-ms-ratelimit-remaining-resource").Single().Should().Be("Microsoft.Compute/HighCostGet;899");
        sim.Azure.Counters[ArmOperation.VirtualMachinesListAll].Should().Be(1);
    }

    [Fact]
    public async Task ArmReads_251stInABurst_Is429SubscriptionRequestsThrottledWithCountZero()
    {
        await using var sim = await SimulatorSession.StartAsync(
            options: SimulationOptions.Instant with { Throttle = new ThrottleSettings(Enabled: true), Time = new ManualClock() });
        var url = $"subscriptions/{sim.Fleet.Subscriptions[0].Id}/providers/Microsoft.Compute/virtualMachines?api-version=2024-11-01";

        var remaining = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            using var ok = await sim.Http.GetAsync(url);
            ok.StatusCode.Should().Be(HttpStatusCode.OK);
            remaining.Add(ok.Headers.GetValues("x-ms-ratelimit-remaining-subscription-reads").Single());
        }

        using var throttled = await sim.Http.GetAsync(url);

        remaining[0].Should().Be("249", "ARM's subscription read bucket holds 250");
        remaining[^1].Should().Be("0");
        throttled.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        throttled.Headers.GetValues("x-ms-ratelimit-remaining-subscription-reads").Single().Should().Be("0");
        throttled.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1), "25 reads a second refill");
        (await throttled.Content.ReadAsStringAsync()).Should().Contain("SubscriptionRequestsThrottled");
    }

    [Fact]
    public async Task UpdateVm_SubscriptionBucket_IsPerRegion()
    {
        var fleet = Fleet.Generate(60, 1, seed: 1);
        await using var sim = await SimulatorSession.StartAsync(fleet, SimulationOptions.Instant with { Throttle = new ThrottleSettings(Enabled: true), Time = new ManualClock() });
        var running = fleet.Vms.Where(v => v.Os == Core.Model.OsKind.Windows && v.Power == Core.Model.PowerState.Running && v.Agent == Core.Model.AgentState.Ready).ToList();
        var first = running[0];
        var sameRegion = running.First(v => v != first && v.Location == first.Location);
        var otherRegion = running.First(v => v.Location != first.Location);

        using var a = await PostProbeAsync(sim, first);
        using var b = await PostProbeAsync(sim, sameRegion);
        using var c = await PostProbeAsync(sim, otherRegion);

        b.Headers.GetValues("x-ms-ratelimit-remaining-resource").Single().Should().Be("Microsoft.Compute/UpdateVM;1498");
        c.Headers.GetValues("x-ms-ratelimit-remaining-resource").Single().Should().Be("Microsoft.Compute/UpdateVM;1499", "Compute's budgets are per region");
    }

    [Fact]
    public async Task RunCommand_Duration_SpreadsFrom20To60Seconds()
    {
        var clock = new ManualClock();
        var fleet = Fleet.Generate(60, 1, seed: 1);
        await using var sim = await SimulatorSession.StartAsync(fleet, new SimulationOptions { LatencyScale = 1, Time = clock });
        var vms = fleet.Vms.Where(v => v.Os == Core.Model.OsKind.Windows && v.Power == Core.Model.PowerState.Running && v.Agent == Core.Model.AgentState.Ready && v.Faults.RunCommandConflicts == 0).Take(8).ToList();
        var statusUrls = new List<Uri>();
        foreach (var vm in vms)
        {
            using var started = await PostProbeAsync(sim, vm);
            statusUrls.Add(new Uri(started.Headers.GetValues("Azure-AsyncOperation").Single()));
        }

        async Task<int> DoneAsync()
        {
            var done = 0;
            foreach (var url in statusUrls)
            {
                done += (await sim.Http.GetStringAsync(url)).Contains("Succeeded", StringComparison.Ordinal) ? 1 : 0;
            }

            return done;
        }

        clock.Advance(TimeSpan.FromSeconds(19.9));
        (await DoneAsync()).Should().Be(0, "no Run Command is quicker than 20 s");
        clock.Advance(TimeSpan.FromSeconds(20));
        var middle = await DoneAsync();
        clock.Advance(TimeSpan.FromSeconds(20.2));
        (await DoneAsync()).Should().Be(8, "none is slower than 60 s");
        middle.Should().BeInRange(1, 7, "the durations spread");
    }

    private static Task<HttpResponseMessage> PostProbeAsync(SimulatorSession sim, SimulatedVm vm) =>
        sim.Http.PostAsJsonAsync($"{vm.Id}/runCommand?api-version=2024-11-01", new JsonObject
        {
            ["commandId"] = "RunPowerShellScript",
            ["script"] = new JsonArray(ProbeEmulator.Header),
        });

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
