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

    public void Write(RunReport report, TextWriter writer)
    {
        var summary = report.Summary;
        writer.Write($"# azrdsfix {report.Command}\n\n");
        writer.Write($"Run `{report.RunId}`, {ReportFacts.Timestamp(report.StartedAt)} to {ReportFacts.Timestamp(report.FinishedAt)}, "
            + $"{report.Tool.Name} {report.Tool.Version}.\n\n");

        writer.Write("| Outcome | VMs |\n|---|---:|\n");
        foreach (var outcome in Enum.GetValues<VmOutcome>())
        {
            if (summary.ByOutcome.TryGetValue(outcome.ToString(), out var count) && count > 0)
            {
                writer.Write($"| {outcome} | {ReportFacts.Number(count)} |\n");
            }
        }

        writer.Write($"| **Total** | **{ReportFacts.Number(summary.Total)}** |\n");

        var listed = report.Vms.Where(vm => !Quiet.Contains(vm.Outcome)).ToList();
        WriteVms(writer, listed, report.Vms.Count - listed.Count);
        WriteFindings(writer, listed);
        WriteScopeErrors(writer, report.ScopeErrors);
    }

    private static void WriteVms(TextWriter writer, IReadOnlyList<VmReport> listed, int omitted)
    {
        writer.Write("\n## Virtual machines\n\n");
        if (listed.Count > 0)
        {
            writer.Write("| VM | Resource group | Subscription | Outcome | Rule | Reason |\n|---|---|---|---|---|---|\n");
            foreach (var vm in listed)
            {
                writer.Write($"| {Cell(vm.Name)} | {Cell(vm.ResourceGroup)} | {Cell(vm.SubscriptionId)} | {vm.Outcome} | "
                    + $"{Cell(ReportFacts.MainRule(vm) ?? string.Empty)} | {Cell(vm.Error is null ? vm.Reason : $"{vm.Reason} Error: {vm.Error}")} |\n");
            }

            writer.Write('\n');
        }

        writer.Write(omitted == 0
            ? "Every VM in scope is listed.\n"
            : $"{ReportFacts.Number(omitted)} Healthy or NotApplicable VM(s) are not listed; report.json lists every VM.\n");
    }

    private static void WriteFindings(TextWriter writer, IReadOnlyList<VmReport> listed)
    {
        var withDetails = listed.Where(vm => vm.Findings.Count > 0 || vm.Changes.Count > 0 || vm.Snapshot is not null).ToList();
        if (withDetails.Count == 0)
        {
            return;
        }

        writer.Write("\n## Findings and changes\n");
        foreach (var vm in withDetails)
        {
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
