using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Core.Journal;

/// <summary>
/// One line of journal.jsonl (docs/journal.md, schema version <see cref="JournalJson.SchemaVersion"/>). The journal is
/// append-only and written before the next step starts, so a cut run can be resumed and every change traced to its
/// before-value and snapshot. It never holds a secret. Every reader goes through <see cref="RunFold"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunStarted), "run-started")]
[JsonDerivedType(typeof(ScopeFailed), "scope-error")]
[JsonDerivedType(typeof(VmDiscovered), "vm-discovered")]
[JsonDerivedType(typeof(StepStarted), "step-started")]
[JsonDerivedType(typeof(StepFinished), "step-finished")]
[JsonDerivedType(typeof(VmFinished), "vm-outcome")]
[JsonDerivedType(typeof(RunFinished), "run-finished")]
public abstract record JournalEvent
{
    public required DateTimeOffset At { get; init; }

    public required string RunId { get; init; }
}

/// <summary>The first record of a run (and of each resume of it): what was asked and against which Azure.</summary>
public sealed record RunStarted : JournalEvent
{
    public int SchemaVersion { get; init; } = JournalJson.SchemaVersion;

    public required RunCommand Command { get; init; }

    public string? ToolVersion { get; init; }

    public RecordedScope Scope { get; init; } = new();

    public RecordedFix? Fix { get; init; }

    public RecordedConnection? Connection { get; init; }

    public int? MaxParallel { get; init; }

    public int? WarnDays { get; init; }

    /// <summary>--channel as given (auto, runcommand, serialconsole).</summary>
    public string? Channel { get; init; }

    /// <summary>The serial console account, never its password: a resumed run reaches the same VMs the same way.</summary>
    public string? SerialUser { get; init; }

    public string? SerialDomain { get; init; }

    /// <summary>rollback: the fix run it undoes, and that run's journal.</summary>
    public string? RollbackOf { get; init; }

    public string? RollbackJournal { get; init; }
}

public sealed record RecordedScope
{
    public IReadOnlyList<string> Subscriptions { get; init; } = [];

    public IReadOnlyList<string> ResourceGroups { get; init; } = [];

    public IReadOnlyList<string> Vms { get; init; } = [];

    /// <summary>KEY=VALUE, as given.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Shard { get; init; }
}

public sealed record RecordedFix
{
    public IReadOnlyList<string> LicenseServers { get; init; } = [];

    public int LicensingMode { get; init; }

    public bool RemoveRdsh { get; init; }

    public bool RemoveLicensingRole { get; init; }

    public string Restart { get; init; } = "auto";
}

/// <summary>The connection as given: never a credential, only the mode.</summary>
public sealed record RecordedConnection
{
    public required string Cloud { get; init; }

    /// <summary>--arm-endpoint when one was given; null means the cloud's own.</summary>
    public string? ArmEndpoint { get; init; }

    public required string ResolvedEndpoint { get; init; }

    public required string Auth { get; init; }

    public string? Tenant { get; init; }
}

public sealed record ScopeFailed : JournalEvent
{
    public required ScopeError Error { get; init; }
}

public sealed record VmDiscovered : JournalEvent
{
    public required VmRef Vm { get; init; }
}

public sealed record StepStarted : JournalEvent
{
    public required string VmId { get; init; }

    public required JournalStep Step { get; init; }
}

/// <summary>A step's end: its status and, typed, what a later reader needs from it.</summary>
public sealed record StepFinished : JournalEvent
{
    public required string VmId { get; init; }

    public required JournalStep Step { get; init; }

    public required StepStatus Status { get; init; }

    /// <summary>Failed or cancelled: one sentence for the operator.</summary>
    public string? Message { get; init; }

    /// <summary>Failed: the kind of Azure failure (Auth, Unreachable, …).</summary>
    public string? ErrorKind { get; init; }

    public TriageFacts? Triage { get; init; }

    /// <summary>snapshot, snapshot-check: the snapshot (null on a check = it no longer exists).</summary>
    public SnapshotInfo? Snapshot { get; init; }

    /// <summary>plan: the changes the fix would make, before-values included.</summary>
    public IReadOnlyList<SettingChange>? Changes { get; init; }

    public RecordedRemediation? Remediation { get; init; }

    /// <summary>Anything else a step reports (probe facts, diagnosis), as evidence for people.</summary>
    public JsonNode? Detail { get; init; }
}

/// <summary>What the remediation script reported (docs/guest-contract.md), as the journal keeps it.</summary>
public sealed record RecordedRemediation
{
    public string? Operation { get; init; }

    public string? Status { get; init; }

    public string? Blocked { get; init; }

    public IReadOnlyList<RecordedChange> Changes { get; init; } = [];

    public bool RestartNeeded { get; init; }
}

public sealed record RecordedChange(string Setting, string? Before, string? After, bool Changed);

/// <summary>A VM's report line; <see cref="Final"/> false means a resumed run finishes it.</summary>
public sealed record VmFinished : JournalEvent
{
    public required string VmId { get; init; }

    public required bool Final { get; init; }

    [JsonConverter(typeof(VmReportJsonConverter))]
    public required VmReport Report { get; init; }
}

public sealed record RunFinished : JournalEvent
{
    public required bool Cancelled { get; init; }

    public required string Summary { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<RunCommand>))]
public enum RunCommand
{
    [JsonStringEnumMemberName("scan")] Scan,
    [JsonStringEnumMemberName("plan")] Plan,
    [JsonStringEnumMemberName("fix")] Fix,
    [JsonStringEnumMemberName("rollback")] Rollback,
}

[JsonConverter(typeof(JsonStringEnumConverter<JournalStep>))]
public enum JournalStep
{
    [JsonStringEnumMemberName("triage")] Triage,
    [JsonStringEnumMemberName("probe")] Probe,
    [JsonStringEnumMemberName("diagnose")] Diagnose,
    [JsonStringEnumMemberName("plan")] Plan,
    [JsonStringEnumMemberName("snapshot-check")] SnapshotCheck,
    [JsonStringEnumMemberName("snapshot")] Snapshot,
    [JsonStringEnumMemberName("remediate")] Remediate,
    [JsonStringEnumMemberName("restart")] Restart,
    [JsonStringEnumMemberName("verify")] Verify,
}

[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    [JsonStringEnumMemberName("started")] Started,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>The step names the engine passes around; each is the wire name of one <see cref="JournalStep"/>.</summary>
public static class JournalSteps
{
    public const string Triage = "triage";
    public const string Probe = "probe";
    public const string Diagnose = "diagnose";
    public const string Plan = "plan";
    public const string SnapshotCheck = "snapshot-check";
    public const string Snapshot = "snapshot";
    public const string Remediate = "remediate";
    public const string Restart = "restart";
    public const string Verify = "verify";

    public static JournalStep Parse(string step) => step switch
    {
        Triage => JournalStep.Triage,
        Probe => JournalStep.Probe,
        Diagnose => JournalStep.Diagnose,
        Plan => JournalStep.Plan,
        SnapshotCheck => JournalStep.SnapshotCheck,
        Snapshot => JournalStep.Snapshot,
        Remediate => JournalStep.Remediate,
        Restart => JournalStep.Restart,
        Verify => JournalStep.Verify,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a journal step."),
    };

    public static string Name(this JournalStep step) => step switch
    {
        JournalStep.Triage => Triage,
        JournalStep.Probe => Probe,
        JournalStep.Diagnose => Diagnose,
        JournalStep.Plan => Plan,
        JournalStep.SnapshotCheck => SnapshotCheck,
        JournalStep.Snapshot => Snapshot,
        JournalStep.Remediate => Remediate,
        JournalStep.Restart => Restart,
        _ => Verify,
    };
}

public static class RunCommands
{
    public static string Name(this RunCommand command) => command.ToString().ToLowerInvariant();

    public static RunCommand Parse(string command) => Enum.Parse<RunCommand>(command, ignoreCase: true);
}
