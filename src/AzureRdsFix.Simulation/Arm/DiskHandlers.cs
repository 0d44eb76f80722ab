using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Lro;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// DiskRP: Disks_Get, Snapshots_Get and Snapshots_CreateOrUpdate (LRO pattern B: 202 WITH a body in state
/// "Updating", <c>DiskOperations</c> polling, then a final GET on the snapshot).
/// </summary>
internal static class DiskHandlers
{
    public static ArmReply GetDisk(SimulatedSubscription subscription, ArmRoute route)
    {
        if (subscription.ResourceGroup(route.ResourceGroup!) is null)
        {
            return ArmErrors.ResourceGroupNotFound(route.ResourceGroup!);
        }

        var vm = subscription.VmByOsDisk(route.Name!) is { } owner
            && string.Equals(owner.ResourceGroup, route.ResourceGroup, StringComparison.OrdinalIgnoreCase) ? owner : null;
        // An ephemeral OS disk is no disk resource (Learn "Ephemeral OS disks").
        return vm is null || vm.EphemeralOsDisk
            ? ArmErrors.ResourceNotFound("Microsoft.Compute/disks", route.Name!, route.ResourceGroup!)
            : ArmReply.Ok(Shapes.Disk(vm));
    }

    public static ArmReply GetSnapshot(SimulationState state, SimulatedSubscription subscription, ArmRoute route)
    {
        if (subscription.ResourceGroup(route.ResourceGroup!) is null)
        {
            return ArmErrors.ResourceGroupNotFound(route.ResourceGroup!);
        }

        return subscription.Snapshot(route.ResourceGroup!, route.Name!) is { } snapshot
            ? ArmReply.Ok(Snapshot(snapshot, state.Now >= snapshot.ReadyAt ? "Succeeded" : "Updating"))
            : ArmErrors.ResourceNotFound("Microsoft.Compute/snapshots", route.Name!, route.ResourceGroup!);
    }

    public static ArmReply CreateSnapshot(SimulationState state, ArmRequest request, SimulatedSubscription subscription)
    {
        var route = request.Route;
        if (subscription.ResourceGroup(route.ResourceGroup!) is not { } resourceGroup)
        {
            return ArmErrors.ResourceGroupNotFound(route.ResourceGroup!);
        }

        var body = request.Body as JsonObject;
        var location = body?["location"]?.GetValue<string>();
        var creation = body?["properties"]?["creationData"] as JsonObject;
        var createOption = creation?["createOption"]?.GetValue<string>();
        var sourceId = creation?["sourceResourceId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(location))
        {
            return ArmErrors.BadRequest("Required parameter 'location' is missing (null).", "location");
        }

        if (!string.Equals(createOption, "Copy", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(sourceId))
        {
            return ArmErrors.BadRequest("The simulated DiskRP makes snapshots only with createOption 'Copy' and a sourceResourceId.", "properties.creationData");
        }

        // Ids compare case-insensitively: the VM document upper-cases the resource group in the disk id.
        var source = state.Fleet.VmByOsDiskId(sourceId);
        if (source is null || source.EphemeralOsDisk)
        {
            return ArmErrors.Error(404, "NotFound", $"Resource '{sourceId}' is not found.", "sourceResourceId");
        }

        if (!string.Equals(Fleet.NormalizeLocation(location), source.Location, StringComparison.Ordinal))
        {
            return ArmErrors.BadRequest($"The snapshot location '{location}' must match the source disk location '{source.Location}'.", "location");
        }

        // Learn "Server-side encryption of Azure Disk Storage", restrictions: "a disk and all of its associated incremental
        // snapshots must have the same disk encryption set". The simulator holds the request to that: a snapshot of a
        // customer-managed-key disk must name the disk's set (Azure's exact error code for this is unconfirmed).
        var encryption = body!["properties"]?["encryption"] as JsonObject;
        var requestedSet = encryption?["diskEncryptionSetId"]?.GetValue<string>();
        if (source.DiskEncryptionSetId is { } diskSet && !string.Equals(requestedSet, diskSet, StringComparison.OrdinalIgnoreCase))
        {
            return ArmErrors.BadRequest(
                $"Disk '{source.OsDiskName}' is encrypted with customer-managed keys through disk encryption set '{diskSet}'; a disk and all of its incremental snapshots must have the same disk encryption set, but the snapshot request names {(requestedSet is null ? "none" : $"'{requestedSet}'")}.",
                "properties.encryption.diskEncryptionSetId");
        }

        var now = state.Now;
        var due = state.LroDue(SimulatedDurations.Snapshot, SimulatedDurations.SnapshotMax, source);
        var tags = (body!["tags"] as JsonObject ?? []).ToDictionary(t => t.Key, t => t.Value?.GetValue<string>() ?? string.Empty);
        var snapshot = new SimulatedSnapshot(
            subscription.Id, resourceGroup, route.Name!, source.Location, sourceId, source,
            body["properties"]?["incremental"]?.GetValue<bool>() ?? false, tags, now, due, Guid.NewGuid(), source.DiskEncryptionSetId);
        subscription.Snapshots[SimulatedSubscription.Key(resourceGroup, route.Name!)] = snapshot;
        var operation = state.Operations.Add(new LroOperation(LroKind.Snapshot, subscription.Id, source.Location, request.ApiVersion, now, due)
        {
            Output = () => Snapshot(snapshot, "Succeeded"),
        });
        return LroStore.Accepted(request.BaseUrl, operation, Updating(snapshot));
    }

    /// <summary>The 202 body: the request echoed in state "Updating", without id/name/type yet.</summary>
    private static JsonObject Updating(SimulatedSnapshot snapshot) => new()
    {
        ["location"] = snapshot.Location,
        ["tags"] = Shapes.Tags(snapshot.Tags),
        ["properties"] = new JsonObject
        {
            ["osType"] = snapshot.SourceVm.Os == OsKind.Windows ? "Windows" : "Linux",
            ["creationData"] = new JsonObject
            {
                ["createOption"] = "Copy",
                ["sourceResourceId"] = snapshot.SourceResourceId,
                ["sourceUniqueId"] = snapshot.SourceVm.VmId.ToString(),
            },
            ["incremental"] = snapshot.Incremental,
            ["provisioningState"] = "Updating",
            ["isArmResource"] = true,
        },
    };

    public static JsonObject Snapshot(SimulatedSnapshot snapshot, string provisioningState) => new()
    {
        ["name"] = snapshot.Name,
        ["id"] = snapshot.Id,
        ["type"] = "Microsoft.Compute/snapshots",
        ["location"] = snapshot.Location,
        ["tags"] = Shapes.Tags(snapshot.Tags),
        ["sku"] = new JsonObject { ["name"] = "Standard_LRS", ["tier"] = "Standard" },
        ["properties"] = new JsonObject
        {
            ["osType"] = snapshot.SourceVm.Os == OsKind.Windows ? "Windows" : "Linux",
            ["hyperVGeneration"] = "V2",
            ["creationData"] = new JsonObject
            {
                ["createOption"] = "Copy",
                ["sourceResourceId"] = snapshot.SourceResourceId,
                ["sourceUniqueId"] = snapshot.SourceVm.VmId.ToString(),
            },
            ["diskSizeGB"] = snapshot.SourceVm.Os == OsKind.Windows ? 127 : 30,
            ["encryption"] = Shapes.Encryption(snapshot.DiskEncryptionSetId),
            ["incremental"] = snapshot.Incremental,
            ["incrementalSnapshotFamilyId"] = snapshot.SourceVm.VmId.ToString(),
            ["timeCreated"] = ArmTime.Format(snapshot.TimeCreated),
            ["provisioningState"] = provisioningState,
            ["diskState"] = "Unattached",
            ["diskSizeBytes"] = snapshot.SourceVm.Os == OsKind.Windows ? 136367308800L : 32213303296L,
            ["uniqueId"] = snapshot.UniqueId.ToString(),
            ["networkAccessPolicy"] = "AllowAll",
            ["publicNetworkAccess"] = "Enabled",
        },
    };
}
