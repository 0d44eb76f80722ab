namespace AzureRdsFix.Azure.Scheduling;

/// <summary>
/// One of Azure's token buckets as the tool sees it, on an injectable clock: it starts full at the published capacity,
/// refills at the published rate, and is corrected by what Azure reports (<see cref="Observe"/>) and by a 429's
/// Retry-After (<see cref="Block"/>).
/// </summary>
public sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private double _capacity;
    private double _tokens;
    private long _last;
    private long _blockedUntil;
    private long _taken;

    public TokenBucket(string name, double capacity, double refillPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(refillPerSecond);
        Name = name;
        _capacity = capacity;
        _tokens = capacity;
        RefillPerSecond = refillPerSecond;
        _time = time;
        _last = time.GetTimestamp();
        _blockedUntil = _last;
    }

    public string Name { get; }

    public double RefillPerSecond { get; }

    public double Capacity
    {
        get
        {
            lock (_lock)
            {
                return _capacity;
            }
        }
    }

    /// <summary>Tokens taken so far; a ticket for <see cref="Observe"/>, to tell which takes Azure had not yet counted.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>The tokens available now (after refill).</summary>
    public double Available
    {
        get
        {
            lock (_lock)
            {
                Refill(_time.GetTimestamp());
                return _tokens;
            }
        }
    }

    /// <summary>Takes a token if one is available and the bucket is not blocked; otherwise says how long until one may be.</summary>
    public bool TryTake(out TimeSpan wait)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Refill(now);
            if (now < _blockedUntil)
            {
                wait = _time.GetElapsedTime(now, _blockedUntil);
                return false;
            }

            if (_tokens >= 1)
            {
                _tokens -= 1;
                _taken++;
                wait = TimeSpan.Zero;
                return true;
            }

            wait = TimeSpan.FromSeconds((1 - _tokens) / RefillPerSecond);
            return false;
        }
    }

    /// <summary>Waits until a token is free (and any Retry-After has passed), takes it, and returns the ticket.</summary>
    public async ValueTask<long> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(out var wait))
            {
                return Taken;
            }

            // Never wake before a whole millisecond: a sub-millisecond timer would spin.
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, _time, cancellationToken);
        }
    }

    /// <summary>
    /// Azure reported <paramref name="remaining"/> tokens after a request sent with ticket <paramref name="ticket"/>.
    /// Takes made since that request were not yet counted by Azure, so they come off its figure. With
    /// <paramref name="exact"/> (ARM's own bucket counters) the local count follows the server both ways and the capacity
    /// grows if the server's bucket is larger than published; otherwise (a figure whose scope is not certain) it only lowers.
    /// </summary>
    public void Observe(long remaining, long ticket, bool exact)
    {
        lock (_lock)
        {
            Refill(_time.GetTimestamp());
            var estimate = Math.Max(0, remaining - (_taken - ticket));
            if (exact)
            {
                _capacity = Math.Max(_capacity, remaining);
                _tokens = Math.Min(_capacity, estimate);
            }
            else
            {
                _tokens = Math.Min(_tokens, estimate);
            }
        }
    }

    /// <summary>A 429 said to wait <paramref name="retryAfter"/>: nothing is sent through this bucket before then (honoured in full).</summary>
    public void Block(TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Refill(now);
            var until = now + (long)(retryAfter.TotalSeconds * _time.TimestampFrequency);
            _blockedUntil = Math.Max(_blockedUntil, until);
            _tokens = 0;
        }
    }

    private void Refill(long now)
    {
        // While blocked the bucket does not refill in our view: Azure said how long, and counts from there.
        var from = Math.Max(_last, Math.Min(now, _blockedUntil));
        if (now > from)
        {
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(from, now).TotalSeconds * RefillPerSecond));
        }

        _last = Math.Max(_last, now);
    }
}
