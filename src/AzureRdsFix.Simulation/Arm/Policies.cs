namespace AzureRdsFix.Simulation.Arm;

/// <summary>Compute's throttling policy (operation group) of each operation, as named in x-ms-ratelimit-remaining-resource.</summary>
internal static class Policies
{
    public const string LowCostGet = "LowCostGet";
    public const string HighCostGet = "HighCostGet";
    public const string UpdateVm = "UpdateVM";
    public const string GetOperation = "GetOperation";
    public const string SnapshotCreate = "HighCostSnapshotCreateHydrate";

    /// <summary>The policy, or null for calls Compute does not meter (ARM's own, e.g. subscriptions).</summary>
    public static string? For(ArmOperation operation) => operation switch
    {
        ArmOperation.VirtualMachinesGet or ArmOperation.VirtualMachinesInstanceView or ArmOperation.DisksGet or ArmOperation.SnapshotsGet => LowCostGet,
        ArmOperation.VirtualMachinesList or ArmOperation.VirtualMachinesListAll => HighCostGet,
        ArmOperation.VirtualMachinesRunCommand or ArmOperation.VirtualMachinesRestart => UpdateVm,
        ArmOperation.ComputeOperationStatus or ArmOperation.ComputeOperationResult
            or ArmOperation.DiskOperationStatus or ArmOperation.DiskOperationResult => GetOperation,
        ArmOperation.SnapshotsCreateOrUpdate => SnapshotCreate,
        _ => null,
    };
}
