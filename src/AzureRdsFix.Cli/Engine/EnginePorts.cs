using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Azure.Power;
using AzureRdsFix.Azure.Snapshots;
using AzureRdsFix.Azure.Triage;

namespace AzureRdsFix.Cli.Engine;

/// <summary>The narrow Azure interfaces the engine works through; built over one ArmClient by the composition root.</summary>
public sealed record EnginePorts(
    IFleetDiscovery Discovery,
    IVmInspector Inspector,
    IGuestChannel Guest,
    ISnapshotService Snapshots,
    IVmPowerService Power,
    Azure.SerialConsole.SerialConsoleGuestChannel? Serial = null);
