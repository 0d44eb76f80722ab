namespace AzureRdsFix.Azure.Scheduling;

/// <summary>
/// Which budgets one request draws on, from its method and path alone: ARM's bucket for the verb (per subscription, or
/// the tenant's for <c>GET /subscriptions</c>), and Compute's policy with the resource it is metered on.
/// </summary>
public sealed record RequestShape(string? SubscriptionId, ArmVerb Verb, ComputePolicy Policy, string? ResourceKey, string? Location)
{
    public static RequestShape Classify(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => ArmVerb.Read,
            "DELETE" => ArmVerb.Delete,
            _ => ArmVerb.Write,
        };
        var segments = path.Trim('/').Split('/');
        if (segments.Length < 2 || !segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            return new RequestShape(null, verb, ComputePolicy.None, null, null);
        }

        var subscription = segments[1].ToLowerInvariant();
        var provider = IndexOf(segments, "providers");
        if (provider < 0 || provider + 1 >= segments.Length || !segments[provider + 1].Equals("Microsoft.Compute", StringComparison.OrdinalIgnoreCase))
        {
            return new RequestShape(subscription, verb, ComputePolicy.None, null, null);
        }

        // After "providers/Microsoft.Compute": type, name, [child...]
        var rest = segments[(provider + 2)..];
        var type = rest.Length > 0 ? rest[0].ToLowerInvariant() : string.Empty;
        var resourceKey = string.Join('/', segments[..Math.Min(segments.Length, provider + 4)]).ToLowerInvariant();
        switch (type)
        {
            case "locations" when rest.Length >= 4 && (rest[2].Equals("operations", StringComparison.OrdinalIgnoreCase) || rest[2].Equals("DiskOperations", StringComparison.OrdinalIgnoreCase)):
                return new RequestShape(subscription, verb, ComputePolicy.GetOperation, path.ToLowerInvariant(), rest[1].ToLowerInvariant());
            case "virtualmachines" when rest.Length == 1:
                return new RequestShape(subscription, verb, ComputePolicy.HighCostGet, null, null);
            case "virtualmachines" when verb == ArmVerb.Read:
                return new RequestShape(subscription, verb, ComputePolicy.LowCostGet, resourceKey, null);
            case "virtualmachines":
                return new RequestShape(subscription, verb, ComputePolicy.UpdateVm, resourceKey, null);
            case "snapshots" when verb == ArmVerb.Write && rest.Length == 2:
                return new RequestShape(subscription, verb, ComputePolicy.SnapshotCreate, resourceKey, null);
            case "disks" or "snapshots" when verb == ArmVerb.Read && rest.Length >= 2:
                return new RequestShape(subscription, verb, ComputePolicy.LowCostGet, resourceKey, null);
            case "disks" or "snapshots" when rest.Length == 1:
                return new RequestShape(subscription, verb, ComputePolicy.HighCostGet, null, null);
            default:
                return new RequestShape(subscription, verb, ComputePolicy.None, null, null);
        }
    }

    private static int IndexOf(string[] segments, string value)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
