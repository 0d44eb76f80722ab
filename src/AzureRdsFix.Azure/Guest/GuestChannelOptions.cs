namespace AzureRdsFix.Azure.Guest;

/// <summary>
/// Run Command pacing. Defaults follow Compute's published budgets: Run Command draws on the "UpdateVM" bucket
/// (per subscription 500 a minute refill, 1,500 burst; per VM 4 a minute, 12 burst), shared with restarts and
/// extension changes, so the tool keeps below it.
/// </summary>
public sealed record GuestChannelOptions
{
    /// <summary>Run Commands in flight at once per subscription.</summary>
    public int MaxConcurrentPerSubscription { get; init; } = 50;

    /// <summary>Run Command writes per minute per subscription (token bucket refill).</summary>
    public double WritesPerMinutePerSubscription { get; init; } = 400;

    /// <summary>Token bucket capacity (burst) per subscription: below Compute's 1,500, leaving room for other callers.</summary>
    public double WriteBurstPerSubscription { get; init; } = 1000;

    /// <summary>Retries after 409 "Run command extension execution is in progress".</summary>
    public int BusyRetries { get; init; } = 6;

    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan BusyRetryMaxDelay { get; init; } = TimeSpan.FromMinutes(3);
}
