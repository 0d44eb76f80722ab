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
}
