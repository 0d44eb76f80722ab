using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AzureRdsFix.Core.Journal;

/// <summary>
/// One line of journal.jsonl. The journal is append-only and written before the next step starts, so a cut run can be
/// resumed and every change traced to its before-value and snapshot. It never holds a secret.
/// </summary>
public sealed record JournalEntry
{
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("runId")] public string? RunId { get; init; }
    [JsonPropertyName("vmId")] public string? VmId { get; init; }
    [JsonPropertyName("step")] public string? Step { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("data")] public JsonNode? Data { get; init; }
}

public static class JournalTypes
{
    public const string RunStarted = "run-started";
    public const string ScopeError = "scope-error";
    public const string Step = "step";
    public const string VmOutcome = "vm-outcome";
    public const string RunFinished = "run-finished";
}

public static class JournalSteps
{
    public const string Triage = "triage";
    public const string Probe = "probe";
    public const string Diagnose = "diagnose";
    public const string Plan = "plan";
    public const string Snapshot = "snapshot";
    public const string Remediate = "remediate";
    public const string Restart = "restart";
    public const string Verify = "verify";
}

public static class StepStatus
{
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}
