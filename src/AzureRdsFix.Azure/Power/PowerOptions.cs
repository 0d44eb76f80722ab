namespace AzureRdsFix.Azure.Power;

public sealed record PowerOptions
{
    /// <summary>How long to wait after a restart for the VM agent to report Ready.</summary>
    public TimeSpan AgentReadyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The shortest gap between instance view reads while waiting (each is one LowCostGet and one ARM read); the
    /// scheduler widens it as the agent takes longer and as the subscription's read budget requires.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
