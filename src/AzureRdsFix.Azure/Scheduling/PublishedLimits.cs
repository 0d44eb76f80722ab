namespace AzureRdsFix.Azure.Scheduling;

/// <summary>A bucket's published size: <see cref="Capacity"/> tokens, refilled at <see cref="PerSecond"/>.</summary>
public readonly record struct BucketLimit(double Capacity, double PerSecond)
{
    public static BucketLimit PerMinute(double capacity, double perMinute) => new(capacity, perMinute / 60.0);
}

/// <summary>
/// The budgets the scheduler starts from, before any response corrects them.
/// ARM (Learn, "Understand how Azure Resource Manager throttles requests", regional token bucket since 2024): per
/// subscription and principal, reads 250 bucket / 25 per second, writes 200 / 10, deletes 200 / 10; tenant reads the
/// same as subscription reads.
/// Compute (Learn, "Compute throttling limits"; reference/azure-and-windows-facts.md §5), per region: UpdateVM (Run
/// Command, restart) 12 / 4 a minute per VM and 1,500 / 500 per subscription; LowCostGet (VM get, instance view, disk and
/// snapshot get) 36 / 12 per resource, 24,000 / 8,000 per subscription; HighCostGet (lists) 900 / 300 per subscription;
/// GetOperation (LRO status) 45 / 15 per operation, 15,000 / 5,000 per subscription; snapshot creation 999 / 333 a minute
/// per subscription (the simulator's figure for HighCostSnapshotCreateHydrate; not in the Learn table: unconfirmed).
/// </summary>
public sealed record PublishedLimits
{
    public BucketLimit ArmReads { get; init; } = new(250, 25);

    public BucketLimit ArmWrites { get; init; } = new(200, 10);

    public BucketLimit ArmDeletes { get; init; } = new(200, 10);

    public IReadOnlyDictionary<ComputePolicy, BucketLimit> PerResource { get; init; } = new Dictionary<ComputePolicy, BucketLimit>
    {
        [ComputePolicy.UpdateVm] = BucketLimit.PerMinute(12, 4),
        [ComputePolicy.LowCostGet] = BucketLimit.PerMinute(36, 12),
        [ComputePolicy.GetOperation] = BucketLimit.PerMinute(45, 15),
    };

    public IReadOnlyDictionary<ComputePolicy, BucketLimit> PerSubscription { get; init; } = new Dictionary<ComputePolicy, BucketLimit>
    {
        [ComputePolicy.UpdateVm] = BucketLimit.PerMinute(1500, 500),
        [ComputePolicy.LowCostGet] = BucketLimit.PerMinute(24000, 8000),
        [ComputePolicy.HighCostGet] = BucketLimit.PerMinute(900, 300),
        [ComputePolicy.GetOperation] = BucketLimit.PerMinute(15000, 5000),
        [ComputePolicy.SnapshotCreate] = BucketLimit.PerMinute(999, 333),
    };

    public static PublishedLimits Azure { get; } = new();
}

/// <summary>Compute's throttling policies (operation groups) the tool's calls fall in.</summary>
public enum ComputePolicy
{
    None,
    UpdateVm,
    LowCostGet,
    HighCostGet,
    GetOperation,
    SnapshotCreate,
}

/// <summary>ARM's buckets, by HTTP verb.</summary>
public enum ArmVerb
{
    Read,
    Write,
    Delete,
}
