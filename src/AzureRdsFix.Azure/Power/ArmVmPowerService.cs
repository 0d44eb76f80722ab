using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Azure.Triage;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Power;

public sealed class ArmVmPowerService(
    ArmClient client,
    IVmInspector inspector,
    PowerOptions options,
    TimeProvider timeProvider,
    SubscriptionGate? gate = null) : IVmPowerService
{
    public Task<TriageFacts> RestartAsync(VmRef vm, CancellationToken cancellationToken) => RestartAsync(vm, waitForAgent: true, cancellationToken);

    public async Task<TriageFacts> RestartAsync(VmRef vm, bool waitForAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var resource = client.GetVirtualMachineResource(new ResourceIdentifier(vm.Id));
        using (gate is null ? null : await gate.EnterAsync(vm.SubscriptionId, cancellationToken))
        {
            await resource.RestartAsync(WaitUntil.Completed, cancellationToken);
        }

        var started = timeProvider.GetTimestamp();
        while (true)
        {
            var triage = await inspector.GetTriageAsync(vm, cancellationToken);
            if (triage.Power == PowerState.Running && (triage.Agent == AgentState.Ready || !waitForAgent))
            {
                return triage;
            }

            if (timeProvider.GetElapsedTime(started) >= options.AgentReadyTimeout)
            {
                throw new AgentNotReadyException(
                    $"VM {vm.Name} was restarted but its VM agent was still {triage.Agent} (power state {triage.Power}) after {options.AgentReadyTimeout.TotalMinutes:0.#} minutes.");
            }

            await Task.Delay(options.PollInterval, timeProvider, cancellationToken);
        }
    }
}
