using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>The headers real CRP/DiskRP responses carry (reference/arm-shapes.md §1.1).</summary>
internal sealed class ArmHeaders(TimeProvider time)
{
    private long _reads;
    private long _writes;

    public void Apply(HttpResponse response, string requestId, string method, ArmOperation operation, string? throttleHeader)
    {
        var headers = response.Headers;
        headers.CacheControl = "no-cache";
        headers.Pragma = "no-cache";
        headers.Expires = "-1";
        headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        headers.XContentTypeOptions = "nosniff";
        headers.Server = "Microsoft-HTTPAPI/2.0";
        headers["x-ms-request-id"] = requestId;
        var correlation = response.HttpContext.Request.Headers["x-ms-correlation-request-id"].ToString();
        headers["x-ms-correlation-request-id"] = correlation.Length > 0 ? correlation : requestId;
        var client = response.HttpContext.Request.Headers["x-ms-client-request-id"].ToString();
        if (client.Length > 0)
        {
            headers["x-ms-client-request-id"] = client;
        }

        headers["x-ms-routing-request-id"] = string.Create(CultureInfo.InvariantCulture, $"LOCALSIM:{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}:{requestId}");
        // ARM's budget for the subscription, by verb (Throttling/ArmBudget), is set by the pipeline; a request answered
        // before it was counted (authentication, routing) still carries one, from the old hourly figures.
        if (method == "GET")
        {
            var name = operation == ArmOperation.SubscriptionsList ? "x-ms-ratelimit-remaining-tenant-reads" : "x-ms-ratelimit-remaining-subscription-reads";
            if (!headers.ContainsKey(name))
            {
                headers.TryAdd(name, Remaining(ref _reads, 12000));
            }
        }
        else if (!headers.ContainsKey("x-ms-ratelimit-remaining-subscription-writes") && !headers.ContainsKey("x-ms-ratelimit-remaining-subscription-deletes"))
        {
            headers.TryAdd("x-ms-ratelimit-remaining-subscription-writes", Remaining(ref _writes, 1200));
        }

        var resource = throttleHeader ?? DefaultResourceHeader(operation);
        if (resource is not null)
        {
            headers.TryAdd("x-ms-ratelimit-remaining-resource", resource);
        }
    }

    /// <summary>The comma-joined form (<c>…3Min;n,…30Min;m</c>) used when the throttle model is off.</summary>
    private static string? DefaultResourceHeader(ArmOperation operation) => Policies.For(operation) switch
    {
        null => null,
        Policies.UpdateVm => "Microsoft.Compute/UpdateVM3Min;239,Microsoft.Compute/UpdateVM30Min;1198",
        Policies.GetOperation => "Microsoft.Compute/GetOperation3Min;14971,Microsoft.Compute/GetOperation30Min;29761",
        Policies.HighCostGet => "Microsoft.Compute/HighCostGet3Min;139,Microsoft.Compute/HighCostGet30Min;699",
        Policies.SnapshotCreate => "Microsoft.Compute/HighCostSnapshotCreateHydrate3Min;999,Microsoft.Compute/HighCostSnapshotCreateHydrate30Min;7999",
        _ => "Microsoft.Compute/LowCostGet3Min;3993,Microsoft.Compute/LowCostGet30Min;31967",
    };

    private static string Remaining(ref long counter, int budget)
    {
        var used = Interlocked.Increment(ref counter);
        return (budget - 1 - (used % budget)).ToString(CultureInfo.InvariantCulture);
    }
}
