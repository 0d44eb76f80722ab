using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Azure.Snapshots;

/// <summary>OS disk snapshots taken before any change, and read back before anyone relies on them.</summary>
public interface ISnapshotService
{
    /// <summary>
    /// Takes an incremental copy of <paramref name="osDiskId"/> in the disk's own resource group and location, waits for
    /// it, reads it back, and returns it only when its provisioningState is Succeeded
    /// (otherwise <see cref="Errors.SnapshotNotSucceededException"/>).
    /// </summary>
    Task<SnapshotInfo> CreateVerifiedSnapshotAsync(
        VmRef vm,
        string osDiskId,
        string snapshotName,
        IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken);

    /// <summary>The snapshot's current state, or null when it does not exist.</summary>
    Task<SnapshotInfo?> GetSnapshotAsync(string snapshotId, CancellationToken cancellationToken);
}
