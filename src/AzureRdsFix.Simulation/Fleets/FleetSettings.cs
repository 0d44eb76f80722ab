namespace AzureRdsFix.Simulation.Fleets;

/// <summary>
/// Fleet-wide faults. <see cref="ThrottleEvery"/>: every Nth request gets a 429 (Retry-After: 1);
/// <see cref="ServerErrorEvery"/>: every Nth request gets a 5xx; <see cref="LroDelay"/>: added to every long-running
/// operation; <see cref="LatencyScale"/>: multiplies the simulated durations (Run Command 20 s, restart 30 s, …;
/// 0 = instant). Counting is over all authenticated requests, in arrival order.
/// </summary>
public sealed record FleetFaults(int ThrottleEvery = 0, int ServerErrorEvery = 0, TimeSpan LroDelay = default, double LatencyScale = 0)
{
    public static readonly FleetFaults None = new();
}

/// <summary>
/// Compute's throttle model (token buckets per VM and per subscription, see <see cref="Throttling.ThrottleModel"/>).
/// <see cref="TimeScale"/> speeds up the refill: 60 means a simulated minute of refill per real second.
/// </summary>
public sealed record ThrottleSettings(bool Enabled = false, double TimeScale = 1)
{
    public static readonly ThrottleSettings Off = new();
}

/// <summary>Per-VM faults.</summary>
/// <param name="RunCommandConflicts">The first N Run Command POSTs answer 409 Conflict ("execution is in progress").</param>
/// <param name="TruncateStdout">The guest prints ~4 KB after the AZRDSFIX line, so Run Command's 4,096-byte tail cuts it.</param>
/// <param name="StderrNoise">StdErr carries PowerShell CLIXML progress records, as real runs often do.</param>
/// <param name="AgentFlaps">The first N Run Commands find the VM agent gone although the instance view said Ready (it flapped
/// between the read and the call): each fails after the agent timeout with VMAgentStatusCommunicationError.</param>
/// <param name="RunCommandGatewayErrors">
/// The first N Run Command POSTs are accepted (the script runs) but the gateway answers 504 GatewayTimeout, as when ARM
/// times out waiting for Compute after Compute took the request: a client that resends runs the script again.
/// </param>
/// <param name="AgentLagAfterRestart">
/// After a restart ends, the agent takes this long to report again; until then the instance view still shows its last
/// status from before the restart (Ready, with the old time) and a Run Command fails with VMAgentStatusCommunicationError.
/// </param>
public sealed record VmFaults(
    int RunCommandConflicts = 0,
    bool TruncateStdout = false,
    bool StderrNoise = false,
    int RunCommandGatewayErrors = 0,
    TimeSpan AgentLagAfterRestart = default,
    int AgentFlaps = 0)
{
    public static readonly VmFaults None = new();
}
