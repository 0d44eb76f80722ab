using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Azure.Triage;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Power;

public sealed class ArmVmPowerService(
    ArmClient client,
    IVmInspector inspector,
    PowerOptions options,
    TimeProvider timeProvider,
    LroPoller? poller = null) : IVmPowerService
{
    private readonly LroPoller _poller = poller ?? new LroPoller(new AzureScheduler(timeProvider));

    public Task<TriageFacts> RestartAsync(VmRef vm, CancellationToken cancellationToken) => RestartAsync(vm, waitForAgent: true, cancellationToken);

    public async Task<TriageFacts> RestartAsync(VmRef vm, bool waitForAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var resource = client.GetVirtualMachineResource(new ResourceIdentifier(vm.Id));
        _poller.Scheduler.RememberLocation(vm.Id, vm.Location);
        var restart = await resource.RestartAsync(WaitUntil.Started, cancellationToken);
        await _poller.WaitAsync(restart, vm.SubscriptionId, cancellationToken);

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

            // The agent's return is read like an LRO's end: soon after it is likely, within the read budget, never
            // more often than PollInterval allows a floor for.
            var delay = _poller.Scheduler.PollDelay(vm.SubscriptionId, timeProvider.GetElapsedTime(started), retryAfter: null);
            await Task.Delay(delay > options.PollInterval ? delay : options.PollInterval, timeProvider, cancellationToken);
        }
    }
}
