namespace AzureRdsFix.Azure.Guest;

/// <summary>A token bucket on an injectable clock: <paramref name="capacity"/> burst, <paramref name="refillPerSecond"/> steady rate.</summary>
public sealed class TokenBucket(double capacity, double refillPerSecond, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly double _capacity = capacity;
    private double _tokens = capacity;
    private long _last = timeProvider.GetTimestamp();

    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = timeProvider.GetTimestamp();
                _tokens = Math.Min(_capacity, _tokens + (timeProvider.GetElapsedTime(_last, now).TotalSeconds * refillPerSecond));
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }

                wait = TimeSpan.FromSeconds((1 - _tokens) / refillPerSecond);
            }

            await Task.Delay(wait, timeProvider, cancellationToken);
        }
    }
}
