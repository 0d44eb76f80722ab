namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// A request matched to an ARM operation. Routing is on the path only, case-insensitively (ARM paths are), so
/// polling URLs with extra query keys (<c>p</c>, <c>monitor</c>, a rewritten api-version) still match.
/// </summary>
public sealed record ArmRoute(
    ArmOperation Operation,
    string? SubscriptionId = null,
    string? ResourceGroup = null,
    string? Name = null,
    string? Location = null,
    bool Monitor = false)
{
    public ApiTrack Track => Operation switch
    {
        ArmOperation.SubscriptionsList or ArmOperation.SubscriptionsGet or ArmOperation.ResourceGroupsList or ArmOperation.ResourceGroupsGet => ApiTrack.Resources,
        ArmOperation.DisksGet or ArmOperation.SnapshotsCreateOrUpdate or ArmOperation.SnapshotsGet
            or ArmOperation.DiskOperationStatus or ArmOperation.DiskOperationResult => ApiTrack.DiskRP,
        _ => ApiTrack.Compute,
    };

    /// <summary>The RBAC action a 403 names.</summary>
    public string Action => Operation switch
    {
        ArmOperation.SubscriptionsList or ArmOperation.SubscriptionsGet => "Microsoft.Resources/subscriptions/read",
        ArmOperation.ResourceGroupsList or ArmOperation.ResourceGroupsGet => "Microsoft.Resources/subscriptions/resourceGroups/read",
        ArmOperation.VirtualMachinesRunCommand => "Microsoft.Compute/virtualMachines/runCommand/action",
        ArmOperation.VirtualMachinesRestart => "Microsoft.Compute/virtualMachines/restart/action",
        ArmOperation.VirtualMachinesInstanceView => "Microsoft.Compute/virtualMachines/instanceView/read",
        ArmOperation.DisksGet => "Microsoft.Compute/disks/read",
        ArmOperation.SnapshotsCreateOrUpdate => "Microsoft.Compute/snapshots/write",
        ArmOperation.SnapshotsGet => "Microsoft.Compute/snapshots/read",
        ArmOperation.ComputeOperationStatus or ArmOperation.ComputeOperationResult
            or ArmOperation.DiskOperationStatus or ArmOperation.DiskOperationResult => "Microsoft.Compute/locations/operations/read",
        _ => "Microsoft.Compute/virtualMachines/read",
    };

    public static ArmRoute Match(string method, string path, bool monitor)
    {
        var s = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        bool Is(int index, string text) => index < s.Length && string.Equals(s[index], text, StringComparison.OrdinalIgnoreCase);
        var get = method == "GET";

        if (s.Length == 0 || !Is(0, "subscriptions"))
        {
            return new ArmRoute(ArmOperation.Unknown);
        }

        if (s.Length == 1)
        {
            return get ? new ArmRoute(ArmOperation.SubscriptionsList) : new ArmRoute(ArmOperation.Unknown);
        }

        var sub = s[1];
        // /subscriptions/{sub}
        if (s.Length == 2)
        {
            return new ArmRoute(get ? ArmOperation.SubscriptionsGet : ArmOperation.Unknown, sub);
        }

        // /subscriptions/{sub}/providers/Microsoft.Compute/...
        if (Is(2, "providers") && Is(3, "Microsoft.Compute"))
        {
            if (s.Length == 5 && Is(4, "virtualMachines") && get)
            {
                return new ArmRoute(ArmOperation.VirtualMachinesListAll, sub);
            }

            if (s.Length == 8 && Is(4, "locations") && get)
            {
                var op = Is(6, "operations")
                    ? (monitor ? ArmOperation.ComputeOperationResult : ArmOperation.ComputeOperationStatus)
                    : Is(6, "DiskOperations")
                        ? (monitor ? ArmOperation.DiskOperationResult : ArmOperation.DiskOperationStatus)
                        : ArmOperation.Unknown;
                return new ArmRoute(op, sub, Location: s[5], Name: s[7], Monitor: monitor);
            }

            return new ArmRoute(ArmOperation.Unknown, sub);
        }

        if (!Is(2, "resourceGroups"))
        {
            return new ArmRoute(ArmOperation.Unknown, sub);
        }

        if (s.Length == 3)
        {
            return new ArmRoute(get ? ArmOperation.ResourceGroupsList : ArmOperation.Unknown, sub);
        }

        var rg = s[3];
        if (s.Length == 4)
        {
            return new ArmRoute(get ? ArmOperation.ResourceGroupsGet : ArmOperation.Unknown, sub, rg);
        }

        if (!Is(4, "providers") || !Is(5, "Microsoft.Compute") || s.Length < 7)
        {
            return new ArmRoute(ArmOperation.Unknown, sub, rg);
        }

        var name = s.Length > 7 ? s[7] : null;
        var op2 = (s.Length, method) switch
        {
            (7, "GET") when Is(6, "virtualMachines") => ArmOperation.VirtualMachinesList,
            (8, "GET") when Is(6, "virtualMachines") => ArmOperation.VirtualMachinesGet,
            (9, "GET") when Is(6, "virtualMachines") && Is(8, "instanceView") => ArmOperation.VirtualMachinesInstanceView,
            (9, "POST") when Is(6, "virtualMachines") && Is(8, "runCommand") => ArmOperation.VirtualMachinesRunCommand,
            (9, "POST") when Is(6, "virtualMachines") && Is(8, "restart") => ArmOperation.VirtualMachinesRestart,
            (8, "GET") when Is(6, "disks") => ArmOperation.DisksGet,
            (8, "GET") when Is(6, "snapshots") => ArmOperation.SnapshotsGet,
            (8, "PUT") when Is(6, "snapshots") => ArmOperation.SnapshotsCreateOrUpdate,
            _ => ArmOperation.Unknown,
        };
        return new ArmRoute(op2, sub, rg, name);
    }
}
