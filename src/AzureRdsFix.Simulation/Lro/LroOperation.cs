using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Lro;

internal enum LroKind { RunCommand, Restart, Snapshot }

/// <summary>
/// One long-running operation. Its effect is applied when it starts (nothing can observe the guest meanwhile: a second
/// Run Command gets 409); it reports InProgress until <see cref="Due"/>, then its final status.
/// </summary>
internal sealed class LroOperation(LroKind kind, string subscriptionId, string location, string apiVersion, DateTimeOffset start, DateTimeOffset due)
{
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The <c>p</c> query value CRP adds to its operation URLs.</summary>
    public Guid Partition { get; } = Guid.NewGuid();

    public LroKind Kind { get; } = kind;

    public string SubscriptionId { get; } = subscriptionId;

    public string Location { get; } = location;

    public string ApiVersion { get; } = apiVersion;

    public DateTimeOffset Start { get; } = start;

    public DateTimeOffset Due { get; } = due;

    /// <summary>The error of an operation that ends Failed (e.g. VMAgentStatusCommunicationError); null when it succeeds.</summary>
    public JsonObject? Error { get; init; }

    /// <summary>On success: the async-operation body's <c>properties.output</c>, and the Location answer when <see cref="Result"/> is null.</summary>
    public Func<JsonNode?>? Output { get; init; }

    /// <summary>What GET on the Location URL returns when done; null = empty 200.</summary>
    public Func<JsonNode?>? Result { get; init; }

    public bool IsDone(DateTimeOffset now) => now >= Due;
}
