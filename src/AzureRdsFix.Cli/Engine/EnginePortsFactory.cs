using Azure.ResourceManager;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Azure.Power;
using AzureRdsFix.Azure.Snapshots;
using AzureRdsFix.Azure.Triage;

namespace AzureRdsFix.Cli.Engine;

public static class EnginePortsFactory
{
    public static EnginePorts Create(ArmClient client, GuestChannelOptions guestOptions, PowerOptions powerOptions, TimeProvider time, Func<ArmClient, Azure.SerialConsole.SerialConsoleGuestChannel?>? serial = null)
    {
        var inspector = new ArmVmInspector(client);

        // Run Command and restart both draw on Compute's per-subscription "UpdateVM" budget: one gate paces both.
        var updateVmGate = new SubscriptionGate(guestOptions, time);
        return new EnginePorts(
            new ArmFleetDiscovery(client),
            inspector,
            new RunCommandGuestChannel(client, guestOptions, time, updateVmGate),
            new ArmSnapshotService(client),
            new ArmVmPowerService(client, inspector, powerOptions, time, updateVmGate),
            serial?.Invoke(client));
    }
}
