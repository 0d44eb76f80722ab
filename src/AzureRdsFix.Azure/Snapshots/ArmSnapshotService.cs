using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Azure.Snapshots;

public sealed class ArmSnapshotService(ArmClient client, LroPoller poller) : ISnapshotService
{
    private readonly LroPoller _poller = poller;

    public const string Succeeded = "Succeeded";

    public async Task<SnapshotInfo> CreateVerifiedSnapshotAsync(
        VmRef vm,
        string osDiskId,
        string snapshotName,
        IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentException.ThrowIfNullOrEmpty(osDiskId);
        ArgumentException.ThrowIfNullOrEmpty(snapshotName);
        ArgumentNullException.ThrowIfNull(tags);

        // The disk's own location and resource group; its id as CRP returned it may upper-case the group, which ARM
        // treats case-insensitively.
        var disk = (await client.GetManagedDiskResource(new ResourceIdentifier(osDiskId)).GetAsync(cancellationToken)).Value;
        var diskId = disk.Data.Id ?? disk.Id;
        var group = client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(diskId.SubscriptionId!, diskId.ResourceGroupName!));

        var data = new SnapshotData(disk.Data.Location)
        {
            CreationData = new DiskCreationData(DiskCreateOption.Copy) { SourceResourceId = diskId },
            Incremental = true,
        };

        // Learn "Server-side encryption of Azure Disk Storage", restrictions: "a disk and all of its associated incremental
        // snapshots must have the same disk encryption set". The snapshot carries the disk's encryption (type and set)
        // as read, whether platform- or customer-managed.
        if (disk.Data.Encryption is { } encryption)
        {
            data.Encryption = new DiskEncryption { EncryptionType = encryption.EncryptionType, DiskEncryptionSetId = encryption.DiskEncryptionSetId };
        }
        foreach (var (key, value) in tags)
        {
            data.Tags[key] = value;
        }

        var snapshots = group.GetSnapshots();
        // Started, then status reads the scheduler places (DiskRP sends Retry-After, which is honoured).
        _poller.Scheduler.RememberLocation($"{group.Id}/providers/Microsoft.Compute/snapshots/{snapshotName}", disk.Data.Location.Name);
        var creation = await snapshots.CreateOrUpdateAsync(WaitUntil.Started, snapshotName, data, cancellationToken);
        await _poller.WaitAsync(creation, vm.SubscriptionId, cancellationToken);

        // The LRO saying Succeeded is not the record: read the snapshot back.
        var readBack = (await snapshots.GetAsync(snapshotName, cancellationToken)).Value;
        var state = readBack.Data.ProvisioningState;
        if (!string.Equals(state, Succeeded, StringComparison.OrdinalIgnoreCase))
        {
            throw new SnapshotNotSucceededException(
                $"snapshot {snapshotName} of the OS disk of VM {vm.Name} is in provisioningState '{state ?? "(none)"}', not Succeeded, so no change will be made to this VM.");
        }

        return new SnapshotInfo(readBack.Id.ToString(), Succeeded);
    }

    public async Task<SnapshotInfo?> GetSnapshotAsync(string snapshotId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotId);
        try
        {
            var snapshot = (await client.GetSnapshotResource(new ResourceIdentifier(snapshotId)).GetAsync(cancellationToken)).Value;
            return new SnapshotInfo(snapshot.Id.ToString(), snapshot.Data.ProvisioningState ?? "Unknown");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
