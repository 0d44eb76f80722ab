using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Core.Reporting;

/// <summary>
/// report.md: a summary for people and for Azure Pipelines (`##vso[task.uploadsummary]`). Counts for every outcome
/// that occurred; a row per VM that is neither Healthy nor NotApplicable (a fleet of thousands stays readable;
/// report.json has every VM); their findings and changes; the scopes that could not be listed.
/// </summary>
public sealed class MarkdownReportWriter : IReportWriter
{
    private static readonly VmOutcome[] Quiet = [VmOutcome.Healthy, VmOutcome.NotApplicable];

    public string Format => "markdown";

    public string FileName => "report.md";

    private TextWriter _writer = TextWriter.Null;
    private RunReport? _run;

    /// <summary>The "Findings and changes" section, written after the VM table: the text of the listed VMs' details.</summary>
    private readonly System.Text.StringBuilder _details = new();
    private int _listed;
    private int _omitted;

    public void Begin(RunReport run, TextWriter writer)
    {
        _writer = writer;
        _run = run;
        _details.Clear();
        _listed = 0;
        _omitted = 0;

        var summary = run.Summary;
        writer.Write($"# azrdsfix {run.Command}\n\n");
        writer.Write($"Run `{run.RunId}`, {ReportFacts.Timestamp(run.StartedAt)} to {ReportFacts.Timestamp(run.FinishedAt)}, "
            + $"{run.Tool.Name} {run.Tool.Version}.\n\n");

        writer.Write("| Outcome | VMs |\n|---|---:|\n");
        foreach (var outcome in Enum.GetValues<VmOutcome>())
        {
            if (summary.ByOutcome.TryGetValue(outcome.ToString(), out var count) && count > 0)
            {
                writer.Write($"| {outcome} | {ReportFacts.Number(count)} |\n");
            }
        }

        writer.Write($"| **Total** | **{ReportFacts.Number(summary.Total)}** |\n");
        writer.Write("\n## Virtual machines\n\n");
    }

    public void WriteVm(VmReport vm)
    {
        if (Quiet.Contains(vm.Outcome))
        {
            _omitted++;
            return;
        }

        if (_listed++ == 0)
        {
            _writer.Write("| VM | Resource group | Subscription | Outcome | Rule | Reason |\n|---|---|---|---|---|---|\n");
        }

        _writer.Write($"| {Cell(vm.Name)} | {Cell(vm.ResourceGroup)} | {Cell(vm.SubscriptionId)} | {vm.Outcome} | "
            + $"{Cell(ReportFacts.MainRule(vm) ?? string.Empty)} | {Cell(vm.Error is null ? vm.Reason : $"{vm.Reason} Error: {vm.Error}")} |\n");
        using var details = new StringWriter(_details, System.Globalization.CultureInfo.InvariantCulture);
        WriteDetails(details, vm);
    }

    public void End()
    {
        if (_listed > 0)
        {
            _writer.Write('\n');
        }

        _writer.Write(_omitted == 0
            ? "Every VM in scope is listed.\n"
            : $"{ReportFacts.Number(_omitted)} Healthy or NotApplicable VM(s) are not listed; report.json lists every VM.\n");
        if (_details.Length > 0)
        {
            _writer.Write("\n## Findings and changes\n");
            _writer.Write(_details.ToString());
            _details.Clear();
        }

        WriteScopeErrors(_writer, _run!.ScopeErrors);
    }

    private static void WriteDetails(TextWriter writer, VmReport vm)
    {
        if (vm.Findings.Count == 0 && vm.Changes.Count == 0 && vm.Snapshot is null)
        {
            return;
        }

        writer.Write($"\n### {Text(vm.Name)} ({Text(vm.ResourceGroup)})\n\n");
        foreach (var finding in vm.Findings)
        {
            writer.Write($"- **{finding.RuleId}** ({finding.Severity}) {Text(finding.Title)}\n");
        }

        foreach (var change in vm.Changes)
        {
            writer.Write($"- change `{change.Setting}`: {Value(change.Before)} → {Value(change.After)}\n");
        }

        if (vm.Snapshot is { } snapshot)
        {
            writer.Write($"- snapshot `{snapshot.Id}` ({Text(snapshot.State)})\n");
        }
    }

    private static void WriteScopeErrors(TextWriter writer, IReadOnlyList<ScopeError> errors)
    {
        if (errors.Count == 0)
        {
            return;
        }

        writer.Write("\n## Scopes not listed\n\n| Scope | Error |\n|---|---|\n");
        foreach (var error in errors)
        {
            writer.Write($"| {Cell(error.Scope)} | {Cell(error.Message)} |\n");
        }
    }

    private static string Value(string? value) => value is null ? "(none)" : $"`{value}`";

    /// <summary>One line, and no raw HTML: a '&lt;' in a reason or error would otherwise start a tag.</summary>
    private static string Text(string text) => text
        .Replace("\r", " ", StringComparison.Ordinal)
        .Replace("\n", " ", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal);

    private static string Cell(string text) => Text(text).Replace("|", "\\|", StringComparison.Ordinal);
}
