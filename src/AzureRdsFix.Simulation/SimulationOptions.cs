using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation;

/// <summary>How to run the simulator. Values left null come from the fleet.</summary>
public sealed record SimulationOptions
{
    /// <summary>Loopback port; 0 picks a free one (read <see cref="SimulatedAzure.Endpoint"/>).</summary>
    public int Port { get; init; }

    /// <summary>Multiplies the simulated durations (see <see cref="SimulatedDurations"/>); 0 = instant. Null: the fleet's.</summary>
    public double? LatencyScale { get; init; }

    /// <summary>Replaces the fleet's fault settings.</summary>
    public FleetFaults? Faults { get; init; }

    /// <summary>Replaces the fleet's throttle model settings.</summary>
    public ThrottleSettings? Throttle { get; init; }

    /// <summary>
    /// A certificate to serve instead of making one (it needs the private key, SAN 127.0.0.1). Null, the default, makes a
    /// fresh self-signed one; tests that start many simulators share one, because RSA key generation is slow.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>The clock of LROs and token buckets.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Instant LROs, no latency: what unit tests want.</summary>
    public static SimulationOptions Instant { get; } = new() { LatencyScale = 0 };
}

/// <summary>
/// Real-world durations the simulator scales by the latency scale. Each long-running operation takes a duration drawn
/// uniformly between its minimum and maximum (rough figures from Azure: a Run Command 20–60 s, a restart 30–120 s plus
/// the agent's start-up 5–30 s, an incremental snapshot 5–15 s); an agent that does not answer fails the Run Command
/// only after many minutes (simulated as 2 min, so a 0.05 scale waits 6 s, not 20 min).
/// </summary>
public static class SimulatedDurations
{
    public static readonly TimeSpan RunCommand = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan RunCommandMax = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Restart = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RestartMax = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan Snapshot = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SnapshotMax = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan AgentTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// After the restart operation reports done, the guest still boots and the VM agent starts and reports its first
    /// status (rough: 5–30 s; the platform reads the agent's status every few seconds once it runs): until then the
    /// instance view shows the status from before the restart.
    /// </summary>
    public static readonly TimeSpan AgentStart = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan AgentStartMax = TimeSpan.FromSeconds(30);

    /// <summary>How old the agent's last Ready status is, at most, when read (it reports periodically).</summary>
    public static readonly TimeSpan AgentReportAge = TimeSpan.FromSeconds(17);
    public static readonly TimeSpan ReadLatency = TimeSpan.FromMilliseconds(80);
    public static readonly TimeSpan ListLatency = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan WriteLatency = TimeSpan.FromMilliseconds(250);
}
