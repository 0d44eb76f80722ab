using System.Collections.Concurrent;
using System.Globalization;

namespace AzureRdsFix.Azure.Scheduling;

/// <summary>
/// Azure's budgets as the tool tracks them, per subscription (ARM's regional buckets: the tool talks to one ARM region)
/// and per subscription and region (Compute's policies, "implemented on a per-region basis" — Learn, Compute throttling
/// limits). A request waits until every bucket it draws on has a token (<see cref="AcquireAsync"/>), so work starts when
/// its budgets allow; every response corrects the buckets (<see cref="Observe"/>). It also places LRO status reads
/// (<see cref="PollDelay"/>). One instance serves a whole run; everything runs on the injected clock.
/// </summary>
public sealed class AzureScheduler(TimeProvider time, PublishedLimits? limits = null, PollingOptions? polling = null)
{
    /// <summary>The Retry-After as Azure sent it, when a handler below had to shorten the one the SDK reads.</summary>
    public const string OriginalRetryAfterHeader = "azrdsfix-original-retry-after";

    private const string UnknownRegion = "*";
    private readonly PublishedLimits _limits = limits ?? PublishedLimits.Azure;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _locations = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, StrongBox> _pollers = new(StringComparer.OrdinalIgnoreCase);
    private long _throttled;
    private long _requests;

    public TimeProvider Time => time;

    public PollingOptions Polling { get; } = polling ?? new PollingOptions();

    /// <summary>429 answers seen (each also blocked the bucket it named for its Retry-After).</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>
    /// A resource's region, so that its Compute calls count against that region's buckets. Calls on a resource whose
    /// region is not known yet (and carry none in the URL) count against one "unknown region" bucket per subscription.
    /// </summary>
    public void RememberLocation(string resourceId, string? location)
    {
        if (!string.IsNullOrEmpty(resourceId) && !string.IsNullOrEmpty(location))
        {
            _locations[resourceId.Trim('/')] = location.ToLowerInvariant();
        }
    }

    /// <summary>The buckets a request draws on, narrowest first (per resource, then subscription and region, then ARM).</summary>
    public IReadOnlyList<TokenBucket> BucketsFor(RequestShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var list = new List<TokenBucket>(3);
        if (shape.SubscriptionId is null)
        {
            if (shape.Verb == ArmVerb.Read)
            {
                list.Add(Bucket("tenant|reads", _limits.ArmReads));
            }

            return list;
        }

        if (shape.Policy != ComputePolicy.None)
        {
            if (shape.ResourceKey is not null && _limits.PerResource.TryGetValue(shape.Policy, out var perResource))
            {
                list.Add(Bucket($"{shape.ResourceKey}|{shape.Policy}", perResource));
            }

            if (_limits.PerSubscription.TryGetValue(shape.Policy, out var perSubscription))
            {
                list.Add(Bucket(ComputeKey(shape.SubscriptionId, RegionOf(shape), shape.Policy), perSubscription));
            }
        }

        var (verbName, limit) = shape.Verb switch
        {
            ArmVerb.Read => ("reads", _limits.ArmReads),
            ArmVerb.Delete => ("deletes", _limits.ArmDeletes),
            _ => ("writes", _limits.ArmWrites),
        };
        list.Add(Bucket($"{shape.SubscriptionId}|arm-{verbName}", limit));
        return list;
    }

    /// <summary>Waits until every bucket of the request has a token for it; returns the tickets for <see cref="Observe"/>.</summary>
    public async ValueTask<Tickets> AcquireAsync(RequestShape shape, CancellationToken cancellationToken)
    {
        var buckets = BucketsFor(shape);
        var tickets = new long[buckets.Count];
        for (var i = 0; i < buckets.Count; i++)
        {
            tickets[i] = await buckets[i].TakeAsync(cancellationToken);
        }

        Interlocked.Increment(ref _requests);
        return new Tickets(shape, buckets, tickets);
    }

    /// <summary>
    /// Corrects the buckets from a response: ARM's <c>x-ms-ratelimit-remaining-subscription-{reads|writes|deletes}</c>
    /// and <c>-tenant-reads</c> are exact counts of the subscription's bucket; Compute's
    /// <c>x-ms-ratelimit-remaining-resource: Microsoft.Compute/&lt;Policy&gt;[window];&lt;n&gt;</c> (comma-joined or
    /// repeated; reference/arm-shapes.md §1.1) lowers the subscription's bucket of that policy. A 429 blocks the bucket
    /// it concerns for the whole Retry-After.
    /// </summary>
    public void Observe(Tickets tickets, int status, Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(header);
        var shape = tickets.Shape;
        var armBucket = tickets.Buckets.Count > 0 ? tickets.Buckets[^1] : null;
        var armName = shape.SubscriptionId is null
            ? "x-ms-ratelimit-remaining-tenant-reads"
            : shape.Verb switch
            {
                ArmVerb.Read => "x-ms-ratelimit-remaining-subscription-reads",
                ArmVerb.Delete => "x-ms-ratelimit-remaining-subscription-deletes",
                _ => "x-ms-ratelimit-remaining-subscription-writes",
            };
        long? armRemaining = long.TryParse(header(armName)?.Trim('\'', '"', ' '), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        if (armBucket is not null && armRemaining is { } remaining)
        {
            armBucket.Observe(remaining, tickets.Ticket(armBucket), exact: true);
        }

        var computeZero = false;
        if (shape.SubscriptionId is not null && header("x-ms-ratelimit-remaining-resource") is { } resource)
        {
            foreach (var (policy, count) in ParseResourceHeader(resource))
            {
                if (!_limits.PerSubscription.TryGetValue(policy, out var limit))
                {
                    continue;
                }

                var bucket = Bucket(ComputeKey(shape.SubscriptionId, RegionOf(shape), policy), limit);
                bucket.Observe(count, policy == shape.Policy ? tickets.Ticket(bucket) : bucket.Taken, exact: false);
                computeZero |= count == 0 && policy == shape.Policy;
            }
        }

        if (status != 429)
        {
            return;
        }

        Interlocked.Increment(ref _throttled);
        var retryAfter = RetryAfter(header) ?? Polling.DefaultThrottleWait;
        if (armRemaining == 0 && armBucket is not null)
        {
            armBucket.Block(retryAfter); // ARM throttled the subscription (reference/arm-shapes.md §3.2)
        }
        else if (shape.Policy != ComputePolicy.None)
        {
            // Compute throttled: the resource's own bucket for certain, the subscription's when its count is 0 or unknown.
            foreach (var bucket in tickets.Buckets)
            {
                if (bucket != armBucket && (bucket.Name.StartsWith(shape.ResourceKey ?? "\0", StringComparison.Ordinal) || computeZero || header("x-ms-ratelimit-remaining-resource") is null))
                {
                    bucket.Block(retryAfter);
                }
            }
        }
        else if (armBucket is not null)
        {
            armBucket.Block(retryAfter);
        }
    }

    /// <summary>
    /// When to read an LRO's status next: the Retry-After Azure sent, if any; else soon after the operation is likely to
    /// have finished — a fraction of the time it has run so far, at least <see cref="PollingOptions.MinInterval"/> — but
    /// never faster than the subscription's read budget carries every operation being polled in it.
    /// </summary>
    public TimeSpan PollDelay(string subscriptionId, TimeSpan elapsed, TimeSpan? retryAfter)
    {
        if (retryAfter is { } sent && sent > TimeSpan.Zero)
        {
            return sent;
        }

        var options = Polling;
        var wanted = TimeSpan.FromTicks(Math.Max(options.MinInterval.Ticks, (long)(elapsed.Ticks * options.ElapsedFraction)));
        if (wanted > options.MaxInterval)
        {
            wanted = options.MaxInterval;
        }

        var pollers = _pollers.TryGetValue(subscriptionId, out var box) ? Volatile.Read(ref box.Value) : 1;
        var reads = Bucket($"{subscriptionId.ToLowerInvariant()}|arm-reads", _limits.ArmReads);
        var budgetSpacing = TimeSpan.FromSeconds(pollers / (reads.RefillPerSecond * options.ReadBudgetShare));
        return wanted > budgetSpacing ? wanted : budgetSpacing;
    }

    /// <summary>Counts an operation being polled in a subscription, for <see cref="PollDelay"/>; dispose when done.</summary>
    public IDisposable TrackPoller(string subscriptionId)
    {
        var box = _pollers.GetOrAdd(subscriptionId, _ => new StrongBox());
        Interlocked.Increment(ref box.Value);
        return new Release(box);
    }

    /// <summary>Reads Retry-After (seconds or HTTP date), preferring the uncapped original, and the -ms variants.</summary>
    public TimeSpan? RetryAfter(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        foreach (var name in new[] { OriginalRetryAfterHeader, "Retry-After" })
        {
            var value = header(name);
            if (value is null)
            {
                continue;
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var delta = date - time.GetUtcNow();
                return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
            }
        }

        foreach (var name in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (double.TryParse(header(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                return TimeSpan.FromMilliseconds(Math.Max(0, ms));
            }
        }

        return null;
    }

    /// <summary><c>Microsoft.Compute/UpdateVM3Min;239,Microsoft.Compute/UpdateVM30Min;1198</c> → (UpdateVm, 239), (UpdateVm, 1198).</summary>
    public static IEnumerable<(ComputePolicy Policy, long Remaining)> ParseResourceHeader(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var semicolon = part.LastIndexOf(';');
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (semicolon < 0 || slash < 0 || !long.TryParse(part.AsSpan(semicolon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            {
                continue;
            }

            var name = part[(slash + 1)..semicolon];
            var policy = name switch
            {
                _ when name.StartsWith("UpdateVM", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("UpdateVMScaleSet", StringComparison.OrdinalIgnoreCase) => ComputePolicy.UpdateVm,
                _ when name.StartsWith("LowCostGet", StringComparison.OrdinalIgnoreCase) => ComputePolicy.LowCostGet,
                _ when name.StartsWith("HighCostGet", StringComparison.OrdinalIgnoreCase) => ComputePolicy.HighCostGet,
                _ when name.StartsWith("GetOperation", StringComparison.OrdinalIgnoreCase) => ComputePolicy.GetOperation,
                _ when name.StartsWith("HighCostSnapshotCreate", StringComparison.OrdinalIgnoreCase) => ComputePolicy.SnapshotCreate,
                _ => ComputePolicy.None,
            };
            if (policy != ComputePolicy.None)
            {
                yield return (policy, count);
            }
        }
    }

    private string RegionOf(RequestShape shape) =>
        shape.Location ?? (shape.ResourceKey is not null && _locations.TryGetValue(shape.ResourceKey, out var location) ? location : UnknownRegion);

    private static string ComputeKey(string subscriptionId, string region, ComputePolicy policy) => $"{subscriptionId}|{region}|{policy}";

    private TokenBucket Bucket(string key, BucketLimit limit) =>
        _buckets.GetOrAdd(key, static (k, state) => new TokenBucket(k, state.limit.Capacity, state.limit.PerSecond, state.time), (limit, time));

    /// <summary>What a request took from which bucket.</summary>
    public sealed class Tickets(RequestShape shape, IReadOnlyList<TokenBucket> buckets, long[] tickets)
    {
        public RequestShape Shape => shape;

        public IReadOnlyList<TokenBucket> Buckets => buckets;

        public long Ticket(TokenBucket bucket)
        {
            for (var i = 0; i < buckets.Count; i++)
            {
                if (ReferenceEquals(buckets[i], bucket))
                {
                    return tickets[i];
                }
            }

            return bucket.Taken;
        }
    }

    private sealed class StrongBox
    {
        public int Value;
    }

    private sealed class Release(StrongBox box) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref box.Value);
            }
        }
    }
}

/// <summary>How the tool places its own LRO status reads.</summary>
public sealed record PollingOptions
{
    /// <summary>The shortest gap between two status reads of one operation.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest gap: an operation is never observed later than this after it ends (budget permitting).</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gap as a share of the time the operation has run: completion is seen at most this share late.</summary>
    public double ElapsedFraction { get; init; } = 0.05;

    /// <summary>The share of a subscription's ARM read budget status reads may use; the rest is for the VMs' other reads.</summary>
    public double ReadBudgetShare { get; init; } = 0.8;

    /// <summary>A 429 without Retry-After (never seen from Azure, which always sends it) blocks its bucket this long.</summary>
    public TimeSpan DefaultThrottleWait { get; init; } = TimeSpan.FromSeconds(5);
}
