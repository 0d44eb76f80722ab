using System.Collections.Concurrent;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Throttling;

/// <summary>
/// Compute's published throttle budgets as token buckets (capacity / refill per minute), per VM and per subscription
/// (reference/azure-and-windows-facts.md §5): UpdateVM — which Run Command and restart draw on — 12 / 4 per VM and
/// 1,500 / 500 per subscription; LowCostGet 36 / 12 per VM and 24,000 / 8,000 per subscription; HighCostGet (lists)
/// 900 / 300 per subscription; GetOperation (polling) 45 / 15 per operation and 15,000 / 5,000 per subscription;
/// snapshot creation 999 / 333 per subscription. <see cref="ThrottleSettings.TimeScale"/> speeds the refill up.
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
    public (ArmReply? Throttled, string? Header) Take(ArmOperation operation, string subscriptionId, string? resourceKey)
    {
        var policy = Policies.For(operation);
        if (!settings.Enabled || policy is null)
        {
            return (null, null);
        }

        var now = time.GetUtcNow();
        var remaining = int.MaxValue;
        if (resourceKey is not null && PerResource.TryGetValue(policy, out var perResource))
        {
            var bucket = _buckets.GetOrAdd($"{resourceKey}|{policy}", _ => new TokenBucket(perResource.Capacity, perResource.PerMinute, now));
            var (taken, left, wait) = bucket.TryTake(now, settings.TimeScale);
            if (!taken)
            {
                return (Throttle(policy, bucket.Capacity, wait, now), null);
            }

            remaining = left;
        }

        if (PerSubscription.TryGetValue(policy, out var perSubscription))
        {
            var bucket = _buckets.GetOrAdd($"{subscriptionId}|{policy}", _ => new TokenBucket(perSubscription.Capacity, perSubscription.PerMinute, now));
            var (taken, left, wait) = bucket.TryTake(now, settings.TimeScale);
            if (!taken)
            {
                return (Throttle(policy, bucket.Capacity, wait, now), null);
            }

            remaining = Math.Min(remaining, left);
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
