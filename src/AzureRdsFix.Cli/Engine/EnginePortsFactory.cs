using Azure.ResourceManager;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Azure.Power;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Azure.Snapshots;
using AzureRdsFix.Azure.Triage;

namespace AzureRdsFix.Cli.Engine;

public static class EnginePortsFactory
{
    /// <param name="scheduler">The one the client's pipeline paces with (ConnectionOptions.Scheduler), so LRO polls are placed on the same budgets.</param>
    public static EnginePorts Create(ArmClient client, GuestChannelOptions guestOptions, PowerOptions powerOptions, TimeProvider time, AzureScheduler? scheduler = null, Func<ArmClient, Azure.SerialConsole.SerialConsoleGuestChannel?>? serial = null)
    {
        var inspector = new ArmVmInspector(client);
        var poller = new LroPoller(scheduler ?? new AzureScheduler(time));
        return new EnginePorts(
            new ArmFleetDiscovery(client),
            inspector,
            new RunCommandGuestChannel(client, guestOptions, time, poller),
            new ArmSnapshotService(client, poller),
            new ArmVmPowerService(client, inspector, powerOptions, time, poller),
            serial?.Invoke(client));
    }
}
