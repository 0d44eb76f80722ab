using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class SchedulerTests
{
    private const string Sub = "11111111-1111-1111-1111-111111111111";
    private const string VmPath = "/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public async Task TakeAsync_BucketEmpty_WaitsForRefillOnTheInjectedClock()
    {
        var time = new FastForwardTimeProvider();
        var bucket = new TokenBucket("b", capacity: 2, refillPerSecond: 0.5, time);

        await bucket.TakeAsync(CancellationToken.None);
        await bucket.TakeAsync(CancellationToken.None);
        time.Skipped.Should().Be(TimeSpan.Zero, "the burst is there at once");
        await bucket.TakeAsync(CancellationToken.None);

        time.Skipped.Should().BeCloseTo(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20), "one token refills in 1 / 0.5 s");
    }

    [Fact]
    public void Classify_ToolsCalls_DrawOnTheirPublishedPolicies()
    {
        RequestShape.Classify("POST", VmPath + "/runCommand").Should().Be(new RequestShape(Sub, ArmVerb.Write, ComputePolicy.UpdateVm, VmPath.Trim('/').ToLowerInvariant(), null));
        RequestShape.Classify("POST", VmPath + "/restart").Policy.Should().Be(ComputePolicy.UpdateVm);
        RequestShape.Classify("GET", VmPath + "/instanceView").Should().Be(new RequestShape(Sub, ArmVerb.Read, ComputePolicy.LowCostGet, VmPath.Trim('/').ToLowerInvariant(), null));
        RequestShape.Classify("GET", $"/subscriptions/{Sub}/providers/Microsoft.Compute/virtualMachines").Policy.Should().Be(ComputePolicy.HighCostGet);
        RequestShape.Classify("PUT", $"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/snapshots/s1").Policy.Should().Be(ComputePolicy.SnapshotCreate);
        var poll = RequestShape.Classify("GET", $"/subscriptions/{Sub}/providers/Microsoft.Compute/locations/westeurope/operations/abc");
        poll.Policy.Should().Be(ComputePolicy.GetOperation);
        poll.Location.Should().Be("westeurope");
        RequestShape.Classify("GET", "/subscriptions").Should().Be(new RequestShape(null, ArmVerb.Read, ComputePolicy.None, null, null));
    }

    [Fact]
    public void ParseResourceHeader_CommaJoinedWindows_ReadsEveryPolicy()
    {
        AzureScheduler.ParseResourceHeader("Microsoft.Compute/UpdateVM3Min;239,Microsoft.Compute/UpdateVM30Min;1198, Microsoft.Compute/HighCostSnapshotCreateHydrate3Min;999")
            .Should().Equal((ComputePolicy.UpdateVm, 239L), (ComputePolicy.UpdateVm, 1198L), (ComputePolicy.SnapshotCreate, 999L));
    }

    [Fact]
    public async Task Observe_ArmRemainingLow_NextRequestsWaitForRefill()
    {
        var time = new FastForwardTimeProvider();
        var scheduler = new AzureScheduler(time);
        var shape = RequestShape.Classify("GET", VmPath);
        var tickets = await scheduler.AcquireAsync(shape, CancellationToken.None);

        // Someone else (another tool, the portal) has used the subscription's reads: Azure says 2 are left.
        scheduler.Observe(tickets, 200, Headers(("x-ms-ratelimit-remaining-subscription-reads", "2")));
        await scheduler.AcquireAsync(shape, CancellationToken.None);
        await scheduler.AcquireAsync(shape, CancellationToken.None);
        time.Skipped.Should().Be(TimeSpan.Zero);
        await scheduler.AcquireAsync(shape, CancellationToken.None);

        time.Skipped.Should().BeCloseTo(TimeSpan.FromSeconds(1 / 25.0), TimeSpan.FromMilliseconds(5), "ARM refills 25 reads a second");
    }

    [Fact]
    public async Task Observe_StaleResponse_CountsTakesMadeSinceItWasSent()
    {
        var time = new FastForwardTimeProvider();
        var scheduler = new AzureScheduler(time);
        var shape = RequestShape.Classify("GET", VmPath);
        var first = await scheduler.AcquireAsync(shape, CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            await scheduler.AcquireAsync(shape, CancellationToken.None);
        }

        // The first request's answer arrives last: 249 left when it was counted, 10 more went out after it.
        scheduler.Observe(first, 200, Headers(("x-ms-ratelimit-remaining-subscription-reads", "249")));

        scheduler.BucketsFor(shape)[^1].Available.Should().BeApproximately(239, 0.5);
    }

    [Fact]
    public async Task Observe_429WithRetryAfter_BlocksTheBucketForAllOfIt()
    {
        var time = new FastForwardTimeProvider();
        var scheduler = new AzureScheduler(time);
        var shape = RequestShape.Classify("POST", VmPath + "/runCommand");
        var tickets = await scheduler.AcquireAsync(shape, CancellationToken.None);

        scheduler.Observe(tickets, 429, Headers(
            ("Retry-After", "60"),
            (AzureScheduler.OriginalRetryAfterHeader, "1200"),
            ("x-ms-ratelimit-remaining-resource", "Microsoft.Compute/UpdateVM3Min;0")));
        await scheduler.AcquireAsync(RequestShape.Classify("POST", VmPath.Replace("vm1", "vm2", StringComparison.Ordinal) + "/restart"), CancellationToken.None);

        scheduler.Throttled.Should().Be(1);
        time.Skipped.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1200), "Compute's 1,200 s is honoured in full for the subscription's UpdateVM budget");
    }

    [Fact]
    public async Task Observe_429OnOneVm_LeavesOtherVmsOfTheSubscriptionFree()
    {
        var time = new FastForwardTimeProvider();
        var scheduler = new AzureScheduler(time);
        var tickets = await scheduler.AcquireAsync(RequestShape.Classify("POST", VmPath + "/runCommand"), CancellationToken.None);

        // The VM's own bucket is empty; the subscription's still has most of its tokens.
        scheduler.Observe(tickets, 429, Headers(("Retry-After", "30"), ("x-ms-ratelimit-remaining-resource", "Microsoft.Compute/UpdateVM;1400")));
        await scheduler.AcquireAsync(RequestShape.Classify("POST", VmPath.Replace("vm1", "vm2", StringComparison.Ordinal) + "/runCommand"), CancellationToken.None);
        time.Skipped.Should().Be(TimeSpan.Zero);
        await scheduler.AcquireAsync(RequestShape.Classify("POST", VmPath + "/runCommand"), CancellationToken.None);

        time.Skipped.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AcquireAsync_UpdateVmPerVm_ThirteenthCallWaitsForTheVmsRefill()
    {
        var time = new FastForwardTimeProvider();
        var scheduler = new AzureScheduler(time);
        var shape = RequestShape.Classify("POST", VmPath + "/runCommand");
        for (var i = 0; i < 12; i++)
        {
            await scheduler.AcquireAsync(shape, CancellationToken.None);
        }

        time.Skipped.Should().Be(TimeSpan.Zero);
        await scheduler.AcquireAsync(shape, CancellationToken.None);

        time.Skipped.Should().BeCloseTo(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), "a VM's UpdateVM bucket holds 12 and refills 4 a minute");
    }

    [Fact]
    public void PollDelay_RetryAfterSent_IsHonoured()
    {
        var scheduler = new AzureScheduler(new FastForwardTimeProvider());

        scheduler.PollDelay(Sub, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(7)).Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void PollDelay_NoRetryAfter_GrowsWithTheOperationsAgeWithinBounds()
    {
        var scheduler = new AzureScheduler(new FastForwardTimeProvider());
        using var poller = scheduler.TrackPoller(Sub);

        scheduler.PollDelay(Sub, TimeSpan.FromSeconds(2), null).Should().Be(TimeSpan.FromSeconds(1));
        scheduler.PollDelay(Sub, TimeSpan.FromSeconds(60), null).Should().Be(TimeSpan.FromSeconds(3));
        scheduler.PollDelay(Sub, TimeSpan.FromMinutes(30), null).Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void PollDelay_ManyOperationsInOneSubscription_SpacedByTheReadBudget()
    {
        var scheduler = new AzureScheduler(new FastForwardTimeProvider());
        var pollers = Enumerable.Range(0, 200).Select(_ => scheduler.TrackPoller(Sub)).ToList();

        // 200 operations at 80 % of 25 reads a second: each one every 10 s at most.
        scheduler.PollDelay(Sub, TimeSpan.FromSeconds(2), null).Should().Be(TimeSpan.FromSeconds(10));
        pollers.ForEach(p => p.Dispose());
        scheduler.PollDelay(Sub, TimeSpan.FromSeconds(2), null).Should().Be(TimeSpan.FromSeconds(1));
    }
}
