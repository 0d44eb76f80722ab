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
    LroPoller? poller = null,
    TimeProvider? wallClock = null) : IVmPowerService
{
    /// <summary>
    /// The agent's status time is Azure's wall-clock time, so the restart's end is taken from the wall clock too, not
    /// from the run's scheduling clock (which tests and the benchmark may scale).
    /// </summary>
    private readonly TimeProvider _wallClock = wallClock ?? TimeProvider.System;

    private readonly LroPoller _poller = poller ?? new LroPoller(new AzureScheduler(timeProvider));

    public Task<TriageFacts> RestartAsync(VmRef vm, CancellationToken cancellationToken) => RestartAsync(vm, waitForAgent: true, cancellationToken);

    public async Task<TriageFacts> RestartAsync(VmRef vm, bool waitForAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var resource = client.GetVirtualMachineResource(new ResourceIdentifier(vm.Id));
        _poller.Scheduler.RememberLocation(vm.Id, vm.Location);
        var restart = await resource.RestartAsync(WaitUntil.Started, cancellationToken);
        await _poller.WaitAsync(restart, vm.SubscriptionId, "restart", cancellationToken);

        // Right after a restart the instance view can still show the agent's last status from before it ("Ready", old
        // time): only a Ready status whose time is later than the restart's end shows the agent is back
        // (vmAgent.statuses[].time; arm-shapes.md 2.3). The end is this machine's clock when the restart LRO was seen
        // done, which is after Azure's own end time; a clock ahead of Azure's only makes the wait longer, never shorter
        // than the agent's first fresh report (unconfirmed: how far ARM and local clocks may drift).
        return await WaitAsync(vm, waitForAgent, _wallClock.GetUtcNow(), "was restarted", cancellationToken);
    }

    public Task<TriageFacts> WaitUntilRunningAsync(VmRef vm, bool waitForAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        // It was seen Starting just now: a status the agent reported before this moment is from before the restart (the
        // instance view keeps the old one until the agent starts again), so only a later one shows the agent is back.
        return WaitAsync(vm, waitForAgent, since: _wallClock.GetUtcNow(), "was starting", cancellationToken);
    }

    /// <param name="since">After a restart: only an agent status later than this shows the agent is back. Null: any Ready.</param>
    private async Task<TriageFacts> WaitAsync(VmRef vm, bool waitForAgent, DateTimeOffset? since, string what, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        while (true)
        {
            var triage = await inspector.GetTriageAsync(vm, cancellationToken);
            if (triage.Power == PowerState.Running
                && (!waitForAgent || (triage.Agent == AgentState.Ready && (since is null || triage.AgentStatusTime > since))))
            {
                return triage;
            }

            if (timeProvider.GetElapsedTime(started) >= options.AgentReadyTimeout)
            {
                var state = triage.Agent != AgentState.Ready || triage.Power != PowerState.Running
                    ? $"was still {triage.Agent} (power state {triage.Power})"
                    : $"had not reported since the restart (its Ready status is from {Format(triage.AgentStatusTime)}, the restart ended {Format(since)})";
                throw new AgentNotReadyException(
                    $"VM {vm.Name} {what} but its VM agent {state} after {options.AgentReadyTimeout.TotalMinutes:0.#} minutes, so the change could not be verified.");
            }

            // The agent's return is read like an LRO's end: soon after it is likely, within the read budget, never
            // more often than PollInterval allows a floor for.
            var delay = _poller.Scheduler.PollDelay(vm.SubscriptionId, timeProvider.GetElapsedTime(started), retryAfter: null);
            await Task.Delay(delay > options.PollInterval ? delay : options.PollInterval, timeProvider, cancellationToken);
        }
    }

    private static string Format(DateTimeOffset? time) => time is { } t
        ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
        : "(none)";
}
