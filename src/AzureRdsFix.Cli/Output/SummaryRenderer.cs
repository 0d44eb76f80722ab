using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using Spectre.Console;

namespace AzureRdsFix.Cli.Output;

/// <summary>The final table (VM, subscription, outcome, main finding) and the one-line summary.</summary>
public static class SummaryRenderer
{
    private const int MaxFullTable = 50;
    private const int MaxRows = 500;

    public static void RenderTable(IAnsiConsole console, RunReport report)
    {
        // One pass over the report (it may be read back from the journal). A big fleet's table shows the VMs that need a
        // look, at most MaxRows of them; the rest are counted, and every VM is in report.json and report.md.
        var big = report.Vms.Count > MaxFullTable;
        var rows = new List<VmReport>();
        var quiet = 0;
        foreach (var vm in report.Vms)
        {
            if (big && vm.Outcome is VmOutcome.Healthy or VmOutcome.NotApplicable)
            {
                quiet++;
            }
            else
            {
                rows.Add(vm);
            }
        }

        var shown = rows.OrderBy(v => OutcomeRank(v.Outcome)).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase).Take(MaxRows).ToArray();
        var withSnapshots = shown.Any(v => v.Snapshot is not null);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("VM").AddColumn("Subscription").AddColumn("Outcome").AddColumn("Main finding");
        if (withSnapshots)
        {
            table.AddColumn("Snapshot");
        }

        table.AddColumn("Reason");
        foreach (var vm in shown)
        {
            var main = vm.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal).FirstOrDefault();
            var cells = new List<Spectre.Console.Rendering.IRenderable>
            {
                new Text(vm.Name),
                new Text(ShortId(vm.SubscriptionId)),
                new Markup(Colour(vm.Outcome)),
                new Text(main is null ? "-" : $"{main.RuleId} {main.Title}"),
            };
            if (withSnapshots)
            {
                cells.Add(new Text(vm.Snapshot is null ? "-" : vm.Snapshot.Id[(vm.Snapshot.Id.LastIndexOf('/') + 1)..]));
            }

            cells.Add(new Text(vm.Reason));
            table.AddRow(cells);
        }

        console.Write(table);
        if (quiet > 0 || rows.Count > shown.Length)
        {
            console.WriteLine($"{quiet + rows.Count - shown.Length} more VM(s) not listed here ({quiet} Healthy or NotApplicable); every VM is in report.json.");
        }

        foreach (var error in report.ScopeErrors)
        {
            console.MarkupLineInterpolated($"[red]Not scanned:[/] {error.Scope}: {error.Message}");
        }
    }

    public static string SummaryLine(RunReport report)
    {
        var parts = report.Summary.ByOutcome.Where(p => p.Value > 0).Select(p => $"{p.Value} {p.Key}");
        var scopes = report.ScopeErrors.Count > 0 ? $"; {report.ScopeErrors.Count} scope(s) could not be read" : string.Empty;
        var counts = report.Summary.Total == 0 ? "no VMs" : $"{report.Summary.Total} VM(s): {string.Join(", ", parts)}";
        return $"{report.Command}: {counts}{scopes}.";
    }

    private static string ShortId(string subscriptionId) => subscriptionId.Length > 8 ? subscriptionId[..8] : subscriptionId;

    private static int OutcomeRank(VmOutcome outcome) => outcome switch
    {
        VmOutcome.Failed => 0,
        VmOutcome.NeedsAttention => 1,
        VmOutcome.Unreachable => 2,
        VmOutcome.WouldFix => 3,
        VmOutcome.FixedPendingRestart => 4,
        VmOutcome.Fixed => 5,
        VmOutcome.RolledBack => 6,
        VmOutcome.Healthy => 7,
        _ => 8,
    };

    private static string Colour(VmOutcome outcome) => outcome switch
    {
        VmOutcome.Failed => "[red]Failed[/]",
        VmOutcome.NeedsAttention => "[yellow]NeedsAttention[/]",
        VmOutcome.Unreachable => "[grey]Unreachable[/]",
        VmOutcome.Fixed or VmOutcome.Healthy or VmOutcome.RolledBack => $"[green]{outcome}[/]",
        _ => outcome.ToString(),
    };
}
