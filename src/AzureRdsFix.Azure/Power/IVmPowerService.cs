using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Power;

/// <summary>VM restarts through ARM (never from inside the guest).</summary>
public interface IVmPowerService
{
    /// <summary>
    /// Restarts the VM, then polls its instance view until it is running with the VM agent Ready and returns that
    /// triage; throws <see cref="Errors.AgentNotReadyException"/> when the agent is not Ready within the bounded wait.
    /// </summary>
    Task<TriageFacts> RestartAsync(VmRef vm, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RestartAsync(VmRef, CancellationToken)"/>; with <paramref name="waitForAgent"/> false it waits only
    /// for the VM to run again (a VM reached over the serial console has no Ready agent to wait for).
    /// </summary>
    Task<TriageFacts> RestartAsync(VmRef vm, bool waitForAgent, CancellationToken cancellationToken);

    /// <summary>
    /// Waits (bounded like a restart's wait) for a VM that is already starting, e.g. one a cut run was restarting, to run
    /// again, with its VM agent Ready when <paramref name="waitForAgent"/>; returns that triage.
    /// </summary>
    Task<TriageFacts> WaitUntilRunningAsync(VmRef vm, bool waitForAgent, CancellationToken cancellationToken);
}
