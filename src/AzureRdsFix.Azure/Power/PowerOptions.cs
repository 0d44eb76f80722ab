namespace AzureRdsFix.Azure.Power;

public sealed record PowerOptions
{
    /// <summary>How long to wait after a restart for the VM agent to report Ready.</summary>
    public TimeSpan AgentReadyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Instance view polling interval while waiting (each poll is one LowCostGet); the first polls come sooner (2, 4, 8 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The first wait between polls; it doubles up to <see cref="PollInterval"/>.</summary>
    public TimeSpan FirstPollInterval { get; init; } = TimeSpan.FromSeconds(2);
}
