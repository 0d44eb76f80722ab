using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AzureRdsFix.Simulation.Arm;

namespace AzureRdsFix.Simulation.Lro;

/// <summary>
/// The running and finished operations, and their wire form: the Azure-AsyncOperation status body and URLs with
/// <c>?p=…</c> (CRP) or the <c>DiskOperations</c> path (DiskRP), the Location URL with <c>monitor=true</c>.
/// </summary>
internal sealed class LroStore(TimeProvider time)
{
    /// <summary>
    /// A finished operation is kept this long (real time) after it ends: the SDK reads its result right away, and a
    /// fleet of thousands of VMs should not keep every Run Command output in memory.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(60);

    private const int SweepEvery = 512;
    private readonly ConcurrentDictionary<Guid, LroOperation> _operations = new();
    private long _added;

    public int Count => _operations.Count;

    public LroOperation Add(LroOperation operation)
    {
        _operations[operation.Id] = operation;
        if (Interlocked.Increment(ref _added) % SweepEvery == 0)
        {
            Sweep();
        }

        return operation;
    }

    public void Sweep()
    {
        var cutoff = time.GetUtcNow() - Retention;
        foreach (var (id, operation) in _operations)
        {
            if (operation.Due < cutoff)
            {
                _operations.TryRemove(id, out _);
            }
        }
    }

    public LroOperation? Find(string subscriptionId, string id) =>
        Guid.TryParse(id, out var guid) && _operations.TryGetValue(guid, out var operation)
        && string.Equals(operation.SubscriptionId, subscriptionId, StringComparison.OrdinalIgnoreCase)
            ? operation
            : null;

    public static string StatusUrl(string baseUrl, LroOperation operation) => Url(baseUrl, operation, monitor: false);

    public static string LocationUrl(string baseUrl, LroOperation operation) => Url(baseUrl, operation, monitor: true);

    /// <summary>202 + Azure-AsyncOperation + Location; CRP sends no Retry-After, DiskRP does (1 s keeps tests quick).</summary>
    public static ArmReply Accepted(string baseUrl, LroOperation operation, JsonNode? body)
    {
        var reply = new ArmReply(202, body) { RequestId = operation.Id.ToString() }
            .With("Azure-AsyncOperation", StatusUrl(baseUrl, operation))
            .With("Location", LocationUrl(baseUrl, operation));
        return operation.Kind == LroKind.Snapshot ? reply.With("Retry-After", "1") : reply;
    }

    public static JsonObject StatusBody(LroOperation operation, DateTimeOffset now)
    {
        var body = new JsonObject { ["startTime"] = ArmTime.Format(operation.Start) };
        if (!operation.IsDone(now))
        {
            body["status"] = "InProgress";
        }
        else
        {
            body["endTime"] = ArmTime.Format(operation.Due);
            body["status"] = operation.Error is null ? "Succeeded" : "Failed";
            if (operation.Error is not null)
            {
                body["error"] = operation.Error.DeepClone();
            }
            else if (operation.Output?.Invoke() is { } output)
            {
                body["properties"] = new JsonObject { ["output"] = output };
            }
        }

        body["name"] = operation.Id.ToString();
        return body;
    }

    /// <summary>The Location URL: 202 while running, then what the synchronous call would have answered.</summary>
    public static ArmReply LocationReply(string baseUrl, LroOperation operation, DateTimeOffset now)
    {
        if (!operation.IsDone(now))
        {
            return new ArmReply(202).With("Location", LocationUrl(baseUrl, operation));
        }

        if (operation.Error is { } error)
        {
            return new ArmReply(409, new JsonObject { ["error"] = error.DeepClone() });
        }

        return new ArmReply(200, (operation.Result ?? operation.Output)?.Invoke());
    }

    private static string Url(string baseUrl, LroOperation operation, bool monitor)
    {
        var prefix = $"{baseUrl}subscriptions/{operation.SubscriptionId}/providers/Microsoft.Compute/locations/{operation.Location}";
        var version = Uri.EscapeDataString(operation.ApiVersion);
        var monitorQuery = monitor ? "monitor=true&" : string.Empty;
        return operation.Kind == LroKind.Snapshot
            ? $"{prefix}/DiskOperations/{operation.Id}?{monitorQuery}api-version={version}"
            : $"{prefix}/operations/{operation.Id}?p={operation.Partition}&{monitorQuery}api-version={version}";
    }
}
