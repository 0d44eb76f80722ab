using System.Collections.Concurrent;

namespace AzureRdsFix.Azure.Guest;

/// <summary>
/// Per-subscription pacing of ARM writes: a concurrency limit and a token bucket. One instance is shared by every
/// caller that writes through the same budget (Run Command, restart).
/// </summary>
public sealed class SubscriptionGate(int maxConcurrent, double writesPerMinute, double burst, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Budget> _budgets = new(StringComparer.OrdinalIgnoreCase);

    public SubscriptionGate(GuestChannelOptions options, TimeProvider timeProvider)
        : this(options.MaxConcurrentPerSubscription, options.WritesPerMinutePerSubscription, options.WriteBurstPerSubscription, timeProvider)
    {
    }

    /// <summary>Waits for a concurrency slot and a write token; dispose the lease to free the slot.</summary>
    public async Task<IDisposable> EnterAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var budget = _budgets.GetOrAdd(subscriptionId, _ => new Budget(maxConcurrent, new TokenBucket(burst, writesPerMinute / 60.0, timeProvider)));
        await budget.Slots.WaitAsync(cancellationToken);
        try
        {
            await budget.Writes.TakeAsync(cancellationToken);
            return new Lease(budget.Slots);
        }
        catch
        {
            budget.Slots.Release();
            throw;
        }
    }

    private sealed class Budget(int maxConcurrent, TokenBucket writes)
    {
        public SemaphoreSlim Slots { get; } = new(maxConcurrent, maxConcurrent);

        public TokenBucket Writes { get; } = writes;
    }

    private sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
