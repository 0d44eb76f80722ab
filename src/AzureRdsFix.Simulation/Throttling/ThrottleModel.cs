using System.Collections.Concurrent;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Throttling;

/// <summary>
/// Compute's published throttle budgets as token buckets (capacity / refill per minute), per VM and per subscription
/// (reference/azure-and-windows-facts.md §5): UpdateVM — which Run Command and restart draw on — 12 / 4 per VM and
/// 1,500 / 500 per subscription; LowCostGet 36 / 12 per VM and 24,000 / 8,000 per subscription; HighCostGet (lists)
/// 900 / 300 per subscription; GetOperation (polling) 45 / 15 per operation and 15,000 / 5,000 per subscription;
/// snapshot creation 999 / 333 per subscription. Compute's policies are "implemented on a per-region basis" (Learn,
/// Compute throttling limits), so the subscription's buckets are per region. <see cref="ThrottleSettings.TimeScale"/>
/// speeds the refill up. The header names the policy with the subscription's remaining count; a per-resource 429 carries
/// the subscription's (non-zero) count, so a client can tell the two apart.
/// </summary>
internal sealed class ThrottleModel(ThrottleSettings settings, TimeProvider time)
{
    private static readonly Dictionary<string, (int Capacity, double PerMinute)> PerResource = new()
    {
        [Policies.UpdateVm] = (12, 4),
        [Policies.LowCostGet] = (36, 12),
        [Policies.GetOperation] = (45, 15),
    };

    private static readonly Dictionary<string, (int Capacity, double PerMinute)> PerSubscription = new()
    {
        [Policies.UpdateVm] = (1500, 500),
        [Policies.LowCostGet] = (24000, 8000),
        [Policies.HighCostGet] = (900, 300),
        [Policies.GetOperation] = (15000, 5000),
        [Policies.SnapshotCreate] = (999, 333),
    };

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => settings.Enabled;

    /// <summary>
    /// Draws one token for the call; returns null and the header value (<c>Microsoft.Compute/Policy;remaining</c>)
    /// when allowed, or the 429 to answer.
    /// </summary>
    public (ArmReply? Throttled, string? Header) Take(ArmOperation operation, string subscriptionId, string? resourceKey, string region = "*")
    {
        var policy = Policies.For(operation);
        if (!settings.Enabled || policy is null)
        {
            return (null, null);
        }

        var now = time.GetUtcNow();
        TokenBucket? subscriptionBucket = null;
        if (PerSubscription.TryGetValue(policy, out var perSubscription))
        {
            subscriptionBucket = _buckets.GetOrAdd($"{subscriptionId}|{region}|{policy}", _ => new TokenBucket(perSubscription.Capacity, perSubscription.PerMinute, now));
        }

        if (resourceKey is not null && PerResource.TryGetValue(policy, out var perResource))
        {
            var bucket = _buckets.GetOrAdd($"{resourceKey}|{policy}", _ => new TokenBucket(perResource.Capacity, perResource.PerMinute, now));
            var (taken, _, wait) = bucket.TryTake(now, settings.TimeScale);
            if (!taken)
            {
                var left = subscriptionBucket?.Peek(now, settings.TimeScale) ?? 1;
                return (Throttle(policy, bucket.Capacity, wait, now).With("x-ms-ratelimit-remaining-resource", $"Microsoft.Compute/{policy};{Math.Max(1, left)}"), null);
            }
        }

        var remaining = int.MaxValue;
        if (subscriptionBucket is not null)
        {
            var (taken, left, wait) = subscriptionBucket.TryTake(now, settings.TimeScale);
            if (!taken)
            {
                return (Throttle(policy, subscriptionBucket.Capacity, wait, now), null);
            }

            remaining = left;
        }

        return (null, $"Microsoft.Compute/{policy};{remaining}");
    }

    private static ArmReply Throttle(string policy, int capacity, TimeSpan wait, DateTimeOffset now)
    {
        var reply = ArmErrors.ComputeThrottled(policy, now, capacity, capacity + 1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return reply.With("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
