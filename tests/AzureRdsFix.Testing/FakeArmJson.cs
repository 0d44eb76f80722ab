using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Testing;

/// <summary>The wire shapes of arm-shapes.md, as real ARM writes them.</summary>
internal static class FakeArmJson
{
    public static JsonObject Error(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public static JsonObject Subscription(FakeSubscription s) => new()
    {
        ["id"] = $"/subscriptions/{s.Id}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = s.Id,
        ["tenantId"] = FakeArm.TenantId,
        ["displayName"] = s.Name,
        ["state"] = s.State,
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };

    public static JsonObject Vm(FakeVm vm, bool withInstanceView)
    {
        var tags = new JsonObject();
        foreach (var (key, value) in vm.Tags)
        {
            tags[key] = value;
        }

        var windows = vm.Os == OsKind.Windows;
        var properties = new JsonObject
        {
            ["vmId"] = vm.VmId,
            ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D2s_v3" },
            ["storageProfile"] = new JsonObject
            {
                ["imageReference"] = windows
                    ? new JsonObject { ["publisher"] = "MicrosoftWindowsServer", ["offer"] = "WindowsServer", ["sku"] = "2019-Datacenter", ["version"] = "latest", ["exactVersion"] = "17763.6414.241004" }
                    : new JsonObject { ["publisher"] = "Canonical", ["offer"] = "0001-com-ubuntu-server-jammy", ["sku"] = "22_04-lts-gen2", ["version"] = "latest" },
                ["osDisk"] = new JsonObject
                {
                    ["osType"] = windows ? "Windows" : vm.Os == OsKind.Linux ? "Linux" : null,
                    ["name"] = vm.OsDiskName,
                    ["createOption"] = "FromImage",
                    ["caching"] = "ReadWrite",
                    ["managedDisk"] = new JsonObject { ["storageAccountType"] = "Premium_LRS", ["id"] = vm.OsDiskIdAsReported },
                    ["deleteOption"] = "Delete",
                    ["diskSizeGB"] = 127,
                },
                ["dataDisks"] = new JsonArray(),
            },
            ["osProfile"] = new JsonObject
            {
                ["computerName"] = vm.Name.Length > 15 ? vm.Name[..15] : vm.Name,
                ["adminUsername"] = "azureuser",
                ["windowsConfiguration"] = windows ? new JsonObject { ["provisionVMAgent"] = true, ["enableAutomaticUpdates"] = true } : null,
                ["secrets"] = new JsonArray(),
                ["allowExtensionOperations"] = true,
            },
            ["networkProfile"] = new JsonObject
            {
                ["networkInterfaces"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"/subscriptions/{vm.SubscriptionId}/resourceGroups/{vm.ResourceGroup}/providers/Microsoft.Network/networkInterfaces/{vm.Name}-nic",
                }),
            },
            ["provisioningState"] = "Succeeded",
            ["timeCreated"] = "2024-05-02T09:14:11.4315563+00:00",
        };
        if (withInstanceView)
        {
            properties["instanceView"] = InstanceView(vm);
        }

        return new JsonObject
        {
            ["name"] = vm.Name,
            ["id"] = vm.Id,
            ["type"] = "Microsoft.Compute/virtualMachines",
            ["location"] = vm.Location,
            ["tags"] = tags,
            ["properties"] = properties,
        };
    }

    public static JsonObject InstanceView(FakeVm vm)
    {
        var statuses = new JsonArray(
            new JsonObject
            {
                ["code"] = "ProvisioningState/succeeded",
                ["level"] = "Info",
                ["displayStatus"] = "Provisioning succeeded",
                ["time"] = "2024-05-02T09:16:40.1837514+00:00",
            },
            new JsonObject
            {
                ["code"] = $"PowerState/{vm.Power.ToString().ToLowerInvariant()}",
                ["level"] = "Info",
                ["displayStatus"] = $"VM {vm.Power.ToString().ToLowerInvariant()}",
            });
        var view = new JsonObject
        {
            ["platformUpdateDomain"] = 0,
            ["platformFaultDomain"] = 0,
        };
        var stale = vm.PendingStaleReads > 0;
        var agent = stale ? AgentState.Ready : vm.PendingNotReadyReads > 0 ? AgentState.NotReady : vm.Agent;

        // The last status before the restart keeps its old time; once the agent is back it reports now.
        var agentTime = vm.Restarts > 0 && !stale ? DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "2024-05-02T10:01:07+00:00";
        if (vm.Power is PowerState.Running or PowerState.Starting or PowerState.Stopping && agent != AgentState.Absent)
        {
            view["computerName"] = vm.Name.Length > 15 ? vm.Name[..15] : vm.Name;
            if (agent == AgentState.Ready)
            {
                view["osName"] = vm.OsName;
                view["osVersion"] = "10.0.17763.6414";
            }

            view["vmAgent"] = agent == AgentState.Ready
                ? new JsonObject
                {
                    ["vmAgentVersion"] = "2.7.41491.1131",
                    ["statuses"] = new JsonArray(new JsonObject
                    {
                        ["code"] = "ProvisioningState/succeeded",
                        ["level"] = "Info",
                        ["displayStatus"] = "Ready",
                        ["message"] = "GuestAgent is running and processing the extensions.",
                        ["time"] = agentTime,
                    }),
                    ["extensionHandlers"] = new JsonArray(),
                }
                : new JsonObject
                {
                    ["vmAgentVersion"] = "Unknown",
                    ["statuses"] = new JsonArray(new JsonObject
                    {
                        ["code"] = "ProvisioningState/Unavailable",
                        ["level"] = "Warning",
                        ["displayStatus"] = "Not Ready",
                        ["message"] = "VM status blob is found but not yet populated.",
                        ["time"] = "2024-05-02T10:01:07+00:00",
                    }),
                };
        }

        view["disks"] = new JsonArray(new JsonObject
        {
            ["name"] = vm.OsDiskName,
            ["statuses"] = new JsonArray(new JsonObject
            {
                ["code"] = "ProvisioningState/succeeded",
                ["level"] = "Info",
                ["displayStatus"] = "Provisioning succeeded",
                ["time"] = "2024-05-02T09:14:12.6596013+00:00",
            }),
        });
        view["hyperVGeneration"] = "V2";
        view["statuses"] = statuses;
        return view;
    }

    public static JsonObject Disk(FakeVm vm) => new()
    {
        ["name"] = vm.OsDiskName,
        ["id"] = $"/subscriptions/{vm.SubscriptionId}/resourceGroups/{vm.ResourceGroup}/providers/Microsoft.Compute/disks/{vm.OsDiskName}",
        ["type"] = "Microsoft.Compute/disks",
        ["location"] = vm.Location,
        ["managedBy"] = vm.Id,
        ["sku"] = new JsonObject { ["name"] = "Premium_LRS", ["tier"] = "Premium" },
        ["properties"] = new JsonObject
        {
            ["osType"] = vm.Os == OsKind.Linux ? "Linux" : "Windows",
            ["hyperVGeneration"] = "V2",
            ["creationData"] = new JsonObject { ["createOption"] = "FromImage" },
            ["diskSizeGB"] = 127,
            ["diskIOPSReadWrite"] = 500,
            ["diskMBpsReadWrite"] = 100,
            ["encryption"] = new JsonObject { ["type"] = "EncryptionAtRestWithPlatformKey" },
            ["networkAccessPolicy"] = "AllowAll",
            ["LastOwnershipUpdateTime"] = "2024-05-02T09:14:12.6596013+00:00",
            ["timeCreated"] = "2024-05-02T09:14:11.4315563+00:00",
            ["provisioningState"] = "Succeeded",
            ["diskState"] = "Attached",
            ["diskSizeBytes"] = 136367308800,
            ["uniqueId"] = vm.VmId,
        },
    };

    public static JsonObject Snapshot(FakeSnapshot s, bool withIdentity)
    {
        var tags = new JsonObject();
        foreach (var (key, value) in s.Tags)
        {
            tags[key] = value;
        }

        var body = new JsonObject();
        if (withIdentity)
        {
            body["name"] = s.Name;
            body["id"] = s.Id;
            body["type"] = "Microsoft.Compute/snapshots";
        }

        body["location"] = s.Location;
        body["tags"] = tags;
        body["sku"] = s.Sku?.DeepClone() ?? new JsonObject { ["name"] = "Standard_LRS", ["tier"] = "Standard" };
        body["properties"] = new JsonObject
        {
            ["osType"] = "Windows",
            ["creationData"] = new JsonObject { ["createOption"] = "Copy", ["sourceResourceId"] = s.SourceResourceId, ["sourceUniqueId"] = Guid.NewGuid().ToString() },
            ["diskSizeGB"] = 127,
            ["incremental"] = s.Incremental,
            ["timeCreated"] = "2024-05-02T15:58:30.2585188+05:30",
            ["provisioningState"] = s.ProvisioningState,
            ["diskState"] = "Unattached",
            ["networkAccessPolicy"] = "AllowAll",
            ["isArmResource"] = true,
        };
        return body;
    }

    public static JsonObject RunCommandResult(FakeRunCommandOutput output) => new()
    {
        ["value"] = new JsonArray(
            new JsonObject { ["code"] = "ComponentStatus/StdOut/succeeded", ["level"] = "Info", ["displayStatus"] = "Provisioning succeeded", ["message"] = Tail(output.StdOut) },
            new JsonObject { ["code"] = "ComponentStatus/StdErr/succeeded", ["level"] = "Info", ["displayStatus"] = "Provisioning succeeded", ["message"] = Tail(output.StdErr) }),
    };

    /// <summary>Run Command keeps the last 4,096 bytes of each stream, with no marker.</summary>
    public static string Tail(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= 4096)
        {
            return text;
        }

        var start = bytes.Length - 4096;
        while (start < bytes.Length && (bytes[start] & 0xC0) == 0x80)
        {
            start++;
        }

        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }
}
