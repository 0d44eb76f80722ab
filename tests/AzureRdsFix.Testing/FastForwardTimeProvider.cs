namespace AzureRdsFix.Testing;

/// <summary>
/// A clock for tests of waits and back-off: every timer fires at once and moves the clock forward by its due time, so
/// "retry after 15 s" or "give up after 10 minutes" run in microseconds while elapsed-time checks still see the time pass.
/// </summary>
public sealed class FastForwardTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public FastForwardTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 2, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Total time skipped by timers so far.</summary>
    public TimeSpan Skipped { get; private set; }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            Interlocked.Add(ref _ticks, dueTime.Ticks);
            Skipped += dueTime;
        }

        var fire = dueTime == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : TimeSpan.Zero;
        return System.CreateTimer(callback, state, fire, Timeout.InfiniteTimeSpan);
    }
}
