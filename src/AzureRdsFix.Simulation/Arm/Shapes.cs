using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>The JSON documents ARM returns for subscriptions, resource groups, VMs and disks (reference/arm-shapes.md §2).</summary>
internal static class Shapes
{
    public static JsonObject Subscription(SimulatedSubscription subscription, string tenantId) => new()
    {
        ["id"] = $"/subscriptions/{subscription.Id}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["tags"] = new JsonObject(),
        ["subscriptionId"] = subscription.Id,
        ["tenantId"] = tenantId,
        ["displayName"] = subscription.DisplayName,
        ["state"] = subscription.State,
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };

    public static JsonObject ResourceGroup(string subscriptionId, string name, string location) => new()
    {
        ["id"] = $"/subscriptions/{subscriptionId}/resourceGroups/{name}",
        ["name"] = name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = location,
        ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
    };

    public static JsonObject VirtualMachine(SimulatedVm vm, JsonObject? statusOnlyInstanceView = null)
    {
        var windows = vm.Os == OsKind.Windows;
        var properties = new JsonObject
        {
            ["vmId"] = vm.VmId.ToString(),
            ["hardwareProfile"] = new JsonObject { ["vmSize"] = vm.Size },
            ["storageProfile"] = new JsonObject
            {
                ["imageReference"] = ImageReference(vm),
                ["osDisk"] = OsDisk(vm, windows),
                ["dataDisks"] = new JsonArray(),
            },
            ["osProfile"] = new JsonObject
            {
                ["computerName"] = vm.Guest?.ComputerName ?? vm.Name,
                ["adminUsername"] = "azureadmin",
                [windows ? "windowsConfiguration" : "linuxConfiguration"] = windows
                    ? new JsonObject { ["provisionVMAgent"] = true, ["enableAutomaticUpdates"] = true, ["patchSettings"] = new JsonObject { ["patchMode"] = "AutomaticByOS", ["assessmentMode"] = "ImageDefault" } }
                    : new JsonObject { ["disablePasswordAuthentication"] = true, ["provisionVMAgent"] = true },
                ["secrets"] = new JsonArray(),
                ["allowExtensionOperations"] = vm.AllowExtensionOperations,
                ["requireGuestProvisionSignal"] = true,
            },
            ["networkProfile"] = new JsonObject
            {
                ["networkInterfaces"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"/subscriptions/{vm.SubscriptionId}/resourceGroups/{vm.ResourceGroup}/providers/Microsoft.Network/networkInterfaces/{vm.Name}-nic",
                }),
            },
            ["diagnosticsProfile"] = new JsonObject { ["bootDiagnostics"] = new JsonObject { ["enabled"] = vm.SerialConsole.BootDiagnostics } },
            ["provisioningState"] = "Succeeded",
            ["timeCreated"] = "2023-03-14T09:26:53.1234567+00:00",
        };
        if (statusOnlyInstanceView is not null)
        {
            properties["instanceView"] = statusOnlyInstanceView;
        }

        return new JsonObject
        {
            ["name"] = vm.Name,
            ["id"] = vm.Id,
            ["type"] = "Microsoft.Compute/virtualMachines",
            ["location"] = vm.Location,
            ["tags"] = Tags(vm.Tags),
            ["properties"] = properties,
        };
    }

    public static JsonObject Disk(SimulatedVm vm) => new()
    {
        ["name"] = vm.OsDiskName,
        ["id"] = vm.OsDiskId,
        ["type"] = "Microsoft.Compute/disks",
        ["location"] = vm.Location,
        ["tags"] = new JsonObject(),
        ["managedBy"] = vm.Id,
        ["sku"] = new JsonObject { ["name"] = "Premium_LRS", ["tier"] = "Premium" },
        ["properties"] = new JsonObject
        {
            ["osType"] = vm.Os == OsKind.Windows ? "Windows" : "Linux",
            ["hyperVGeneration"] = "V2",
            ["creationData"] = new JsonObject
            {
                ["createOption"] = "FromImage",
                ["imageReference"] = new JsonObject
                {
                    ["id"] = $"/Subscriptions/{vm.SubscriptionId}/Providers/Microsoft.Compute/Locations/{vm.Location}/Publishers/MicrosoftWindowsServer/ArtifactTypes/VMImage/Offers/WindowsServer/Skus/2019-datacenter-gensecond/Versions/17763.6293.240905",
                },
            },
            ["diskSizeGB"] = vm.Os == OsKind.Windows ? 127 : 30,
            ["diskIOPSReadWrite"] = 500,
            ["diskMBpsReadWrite"] = 100,
            ["encryption"] = Encryption(vm.DiskEncryptionSetId),
            ["networkAccessPolicy"] = "AllowAll",
            ["publicNetworkAccess"] = "Enabled",
            ["LastOwnershipUpdateTime"] = "2023-03-14T09:27:01.4839183+00:00",
            ["timeCreated"] = "2023-03-14T09:26:53.8213612+00:00",
            ["provisioningState"] = "Succeeded",
            ["diskState"] = vm.Power == PowerState.Deallocated ? "Reserved" : "Attached",
            ["diskSizeBytes"] = vm.Os == OsKind.Windows ? 136367308800L : 32213303296L,
            ["uniqueId"] = vm.VmId.ToString(),
            ["tier"] = "P10",
        },
    };

    /// <summary>
    /// Disk/snapshot encryption (DiskRP spec, Encryption): platform key, or customer-managed key through a disk
    /// encryption set.
    /// </summary>
    public static JsonObject Encryption(string? diskEncryptionSetId) => diskEncryptionSetId is null
        ? new JsonObject { ["type"] = "EncryptionAtRestWithPlatformKey" }
        : new JsonObject { ["type"] = "EncryptionAtRestWithCustomerKey", ["diskEncryptionSetId"] = diskEncryptionSetId };

    /// <summary>
    /// The VM model's OS disk. An ephemeral one (Learn "Ephemeral OS disks": diffDiskSettings option Local, placement
    /// CacheDisk/ResourceDisk, caching ReadOnly) lives on the host and has no managed disk resource, so no disk id.
    /// </summary>
    private static JsonObject OsDisk(SimulatedVm vm, bool windows) => vm.EphemeralOsDisk
        ? new JsonObject
        {
            ["osType"] = windows ? "Windows" : "Linux",
            ["name"] = vm.OsDiskName,
            ["createOption"] = "FromImage",
            ["caching"] = "ReadOnly",
            ["diffDiskSettings"] = new JsonObject { ["option"] = "Local", ["placement"] = "CacheDisk" },
            ["managedDisk"] = new JsonObject { ["storageAccountType"] = "Standard_LRS" },
            ["deleteOption"] = "Delete",
            ["diskSizeGB"] = windows ? 127 : 30,
        }
        : new JsonObject
        {
            ["osType"] = windows ? "Windows" : "Linux",
            ["name"] = vm.OsDiskName,
            ["createOption"] = "FromImage",
            ["caching"] = "ReadWrite",
            ["managedDisk"] = vm.DiskEncryptionSetId is null
                ? new JsonObject { ["storageAccountType"] = "Premium_LRS", ["id"] = vm.OsDiskIdAsCrpWritesIt }
                : new JsonObject { ["storageAccountType"] = "Premium_LRS", ["id"] = vm.OsDiskIdAsCrpWritesIt, ["diskEncryptionSet"] = new JsonObject { ["id"] = vm.DiskEncryptionSetId } },
            ["deleteOption"] = "Delete",
            ["diskSizeGB"] = windows ? 127 : 30,
        };

    public static JsonObject Tags(IReadOnlyDictionary<string, string> tags)
    {
        var result = new JsonObject();
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }

    private static JsonObject ImageReference(SimulatedVm vm)
    {
        if (vm.Os == OsKind.Linux)
        {
            return new JsonObject { ["publisher"] = "Canonical", ["offer"] = "0001-com-ubuntu-server-jammy", ["sku"] = "22_04-lts-gen2", ["version"] = "latest", ["exactVersion"] = "22.04.202403010" };
        }

        var caption = vm.Guest?.Os?.Caption ?? "Windows Server 2019 Datacenter";
        var year = new[] { "2012 R2", "2016", "2019", "2022", "2025" }.FirstOrDefault(y => caption.Contains(y, StringComparison.Ordinal)) ?? "2019";
        var sku = year == "2012 R2" ? "2012-R2-Datacenter" : $"{year}-datacenter-gensecond";
        return new JsonObject { ["publisher"] = "MicrosoftWindowsServer", ["offer"] = "WindowsServer", ["sku"] = sku, ["version"] = "latest", ["exactVersion"] = "17763.6293.240905" };
    }
}
