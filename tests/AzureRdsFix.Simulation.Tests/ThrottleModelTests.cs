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
        lastHeader.Should().Be("Microsoft.Compute/UpdateVM;0");
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
