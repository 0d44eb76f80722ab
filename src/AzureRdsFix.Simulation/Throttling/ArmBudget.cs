using System.Collections.Concurrent;
using System.Globalization;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Throttling;

/// <summary>
/// ARM's own throttling in front of every resource provider: a regional token bucket per subscription (and principal)
/// and per verb — reads 250 / 25 a second, writes 200 / 10, deletes 200 / 10 — and the tenant's reads for calls outside a
/// subscription (Learn, "Understand how Azure Resource Manager throttles requests"; reference/azure-and-windows-facts.md
/// §5). The simulator has one region and one principal. Every response carries the bucket's remaining count in
/// <c>x-ms-ratelimit-remaining-subscription-{reads|writes|deletes}</c> (or <c>-tenant-reads</c>); an empty bucket answers
/// 429 <c>SubscriptionRequestsThrottled</c> with Retry-After and the count 0 (reference/arm-shapes.md §3.2).
/// Off (the throttle model disabled): nothing is enforced and the headers count down from the old hourly figures.
/// </summary>
internal sealed class ArmBudget(ThrottleSettings settings, TimeProvider time)
{
    private const int Capacity = 250;
    private const int WriteCapacity = 200;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private long _reads;
    private long _writes;

    /// <summary>Takes a token for the request: the header to send, or the 429 to answer (already carrying its header).</summary>
    public (ArmReply? Throttled, string HeaderName, string HeaderValue) Take(string method, string? subscriptionId)
    {
        var verb = method switch
        {
            "GET" or "HEAD" => "reads",
            "DELETE" => "deletes",
            _ => "writes",
        };
        var name = subscriptionId is null ? $"x-ms-ratelimit-remaining-tenant-{verb}" : $"x-ms-ratelimit-remaining-subscription-{verb}";
        if (!settings.Enabled)
        {
            var legacy = verb == "reads" ? Remaining(ref _reads, 12000) : Remaining(ref _writes, 1200);
            return (null, name, legacy);
        }

        var (capacity, perSecond) = verb == "reads" ? (Capacity, 25.0) : (WriteCapacity, 10.0);
        var now = time.GetUtcNow();
        var bucket = _buckets.GetOrAdd($"{subscriptionId ?? "tenant"}|{verb}", _ => new TokenBucket(capacity, perSecond * 60, now));
        var (taken, left, wait) = bucket.TryTake(now, settings.TimeScale);
        if (taken)
        {
            return (null, name, left.ToString(CultureInfo.InvariantCulture));
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var reply = ArmErrors.ArmThrottled(subscriptionId ?? "00000000-0000-0000-0000-000000000000", verb == "reads" ? "read" : "write")
            .With("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))
            .With(name, "0");
        return (reply, name, "0");
    }

    private static string Remaining(ref long counter, int budget)
    {
        var used = Interlocked.Increment(ref counter);
        return (budget - 1 - (used % budget)).ToString(CultureInfo.InvariantCulture);
    }
}
