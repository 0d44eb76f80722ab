namespace AzureRdsFix.Testing;

/// <summary>
/// A real clock that runs <c>1 / scale</c> times faster: with the simulator's latency scale 0.1, a simulated 20 s Run
/// Command takes 2 real seconds, and a tool on this clock with scale 0.1 sees 20 s pass — so its polling intervals,
/// back-offs and token-bucket refills keep the same proportions to Azure's durations as in a real run.
/// </summary>
public sealed class ScaledTimeProvider(double scale) : TimeProvider
{
    private readonly long _startTimestamp = System.GetTimestamp();
    private readonly DateTimeOffset _startUtc = System.GetUtcNow();

    public double Scale { get; } = scale > 0 ? scale : throw new ArgumentOutOfRangeException(nameof(scale));

    public override DateTimeOffset GetUtcNow() => _startUtc + (System.GetElapsedTime(_startTimestamp) / Scale);

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() => _startTimestamp + (long)((System.GetTimestamp() - _startTimestamp) / Scale);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Real(dueTime), Real(period));

    private TimeSpan Real(TimeSpan span) => span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero ? span : span * Scale;
}
