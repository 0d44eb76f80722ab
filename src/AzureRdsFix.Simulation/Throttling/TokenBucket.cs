namespace AzureRdsFix.Simulation.Throttling;

/// <summary>A token bucket: starts full at <paramref name="capacity"/>, refills <paramref name="perMinute"/> tokens per (scaled) minute.</summary>
internal sealed class TokenBucket(int capacity, double perMinute, DateTimeOffset now)
{
    private readonly Lock _sync = new();
    private double _tokens = capacity;
    private DateTimeOffset _last = now;

    public int Capacity => capacity;

    /// <summary>The whole tokens there are now, without taking one.</summary>
    public int Peek(DateTimeOffset now, double timeScale)
    {
        lock (_sync)
        {
            var elapsedMinutes = Math.Max(0, (now - _last).TotalMinutes) * timeScale;
            return (int)Math.Min(capacity, _tokens + (elapsedMinutes * perMinute));
        }
    }

    /// <summary>Takes a token if there is one; returns the whole tokens left and, when empty, how long until the next one.</summary>
    public (bool Taken, int Remaining, TimeSpan Wait) TryTake(DateTimeOffset now, double timeScale)
    {
        lock (_sync)
        {
            var elapsedMinutes = Math.Max(0, (now - _last).TotalMinutes) * timeScale;
            _tokens = Math.Min(capacity, _tokens + (elapsedMinutes * perMinute));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return (true, (int)_tokens, TimeSpan.Zero);
            }

            var wait = TimeSpan.FromMinutes((1 - _tokens) / perMinute / timeScale);
            return (false, 0, wait);
        }
    }
}
