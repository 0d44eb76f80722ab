namespace AzureRdsFix.Azure.Guest;

/// <summary>
/// Run Command retries on 409 busy. Pacing against Compute's "UpdateVM" budget (per VM and per subscription) is the
/// scheduler's (Scheduling/AzureScheduler), which every call goes through.
/// </summary>
public sealed record GuestChannelOptions
{
    /// <summary>Retries after 409 "Run command extension execution is in progress".</summary>
    public int BusyRetries { get; init; } = 6;

    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan BusyRetryMaxDelay { get; init; } = TimeSpan.FromMinutes(3);
}
