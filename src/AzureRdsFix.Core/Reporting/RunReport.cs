using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Reporting;

/// <summary>report.json, schemaVersion 1 (DESIGN.md). One model; one writer per format renders it.</summary>
public sealed record RunReport
{
    public int SchemaVersion { get; init; } = 1;
    public required ToolInfo Tool { get; init; }
    public required string RunId { get; init; }
    public required string Command { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    /// <summary>The totals: given by the fold that produced <see cref="Vms"/> (no second pass), else counted here.</summary>
    public ReportSummary Summary => Totals ?? ReportSummary.Of(Vms);

    public ReportSummary? Totals { get; init; }
    public required IReadOnlyList<VmReport> Vms { get; init; }

    /// <summary>Scopes (subscriptions, resource groups) that could not be listed, so their VMs are not in <see cref="Vms"/>.</summary>
    public IReadOnlyList<ScopeError> ScopeErrors { get; init; } = [];

    /// <summary>The run's --fail-on: which outcomes count as failing (JUnit marks those, as the exit code does). Not in report.json.</summary>
    public FailOn FailOn { get; init; } = FailOn.Attention;
}

public sealed record ToolInfo(string Name, string Version);

public sealed record ReportSummary(int Total, IReadOnlyDictionary<string, int> ByOutcome)
{
    public static ReportSummary Of(IReadOnlyList<VmReport> vms)
    {
        var byOutcome = Enum.GetValues<VmOutcome>().ToDictionary(o => o.ToString(), _ => 0);
        foreach (var vm in vms)
        {
            byOutcome[vm.Outcome.ToString()]++;
        }

        return new ReportSummary(vms.Count, byOutcome);
    }
}

public sealed record VmReport
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string SubscriptionId { get; init; }
    public required string ResourceGroup { get; init; }
    public required string Location { get; init; }
    public required VmOutcome Outcome { get; init; }
    public required string Reason { get; init; }
    public IReadOnlyList<Finding> Findings { get; init; } = [];
    public SnapshotInfo? Snapshot { get; init; }
    public IReadOnlyList<SettingChange> Changes { get; init; } = [];
    public string? Channel { get; init; }
    public long DurationMs { get; init; }
    public string? Error { get; init; }
}

public sealed record SnapshotInfo(string Id, string State);

/// <summary>One setting a fix changed (or would change): values as the guest reported them; null = value absent.</summary>
public sealed record SettingChange(string Setting, string? Before, string? After);

public sealed record ScopeError(string Scope, string Message);
