namespace AzureRdsFix.Simulation.Arm;

/// <summary>The ARM operations the simulator answers; the names are what <see cref="SimulationCounters"/> counts.</summary>
public enum ArmOperation
{
    Unknown,
    SubscriptionsList,
    SubscriptionsGet,
    ResourceGroupsList,
    ResourceGroupsGet,
    VirtualMachinesListAll,
    VirtualMachinesList,
    VirtualMachinesGet,
    VirtualMachinesInstanceView,
    VirtualMachinesRunCommand,
    VirtualMachinesRestart,
    DisksGet,
    SnapshotsCreateOrUpdate,
    SnapshotsGet,
    ComputeOperationStatus,
    ComputeOperationResult,
    DiskOperationStatus,
    DiskOperationResult,
}

/// <summary>Which api-version family an operation belongs to (ARM checks the version per resource type).</summary>
public enum ApiTrack { Resources, Compute, DiskRP }
