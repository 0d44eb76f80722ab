using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using Spectre.Console;

namespace AzureRdsFix.Cli.Output;

/// <summary>
/// The final table (VM, subscription, outcome, main finding), fed by the run's one pass. A big fleet's table shows the
/// VMs that need a look, at most MaxRows of them (the first by outcome, then name; no more are held); the rest are
/// counted, and every VM is in report.json and report.md.
/// </summary>
public sealed class TableWriter : IRunWriter
{
    private const int MaxFullTable = 50;
    private const int MaxRows = 500;

    private readonly List<VmReport> _rows = [];
    private RunReport? _run;
    private bool _big;
    private int _candidates;
    private int _quiet;

    public void Begin(RunReport run)
    {
        _run = run;
        _big = run.Summary.Total > MaxFullTable;
        _rows.Clear();
        _candidates = 0;
        _quiet = 0;
    }

    public void WriteVm(VmReport vm)
    {
        if (_big && vm.Outcome is VmOutcome.Healthy or VmOutcome.NotApplicable)
        {
            _quiet++;
            return;
        }

        _candidates++;
        _rows.Add(vm);
        if (_rows.Count >= 2 * MaxRows)
        {
            Trim();
        }
    }

    public void End() => Trim();

    public void Render(IAnsiConsole console)
    {
        var shown = _rows;
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
                new Text(SummaryRenderer.ShortId(vm.SubscriptionId)),
                new Markup(SummaryRenderer.Colour(vm.Outcome)),
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
        if (_quiet > 0 || _candidates > shown.Count)
        {
            console.WriteLine($"{_quiet + _candidates - shown.Count} more VM(s) not listed here ({_quiet} Healthy or NotApplicable); every VM is in report.json.");
        }

        foreach (var error in _run!.ScopeErrors)
        {
            console.MarkupLineInterpolated($"[red]Not scanned:[/] {error.Scope}: {error.Message}");
        }
    }

    /// <summary>Keeps the first MaxRows rows in table order.</summary>
    private void Trim()
    {
        var kept = _rows.OrderBy(v => SummaryRenderer.OutcomeRank(v.Outcome)).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase).Take(MaxRows).ToList();
        _rows.Clear();
        _rows.AddRange(kept);
    }
}

/// <summary>The one-line summary, and how the table shows outcomes.</summary>
public static class SummaryRenderer
{
    public static string SummaryLine(RunReport report)
    {
        var parts = report.Summary.ByOutcome.Where(p => p.Value > 0).Select(p => $"{p.Value} {p.Key}");
        var scopes = report.ScopeErrors.Count > 0 ? $"; {report.ScopeErrors.Count} scope(s) could not be read" : string.Empty;
        var counts = report.Summary.Total == 0 ? "no VMs" : $"{report.Summary.Total} VM(s): {string.Join(", ", parts)}";
        return $"{report.Command}: {counts}{scopes}.";
    }

    internal static string ShortId(string subscriptionId) => subscriptionId.Length > 8 ? subscriptionId[..8] : subscriptionId;

    internal static int OutcomeRank(VmOutcome outcome) => outcome switch
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

    internal static string Colour(VmOutcome outcome) => outcome switch
    {
        VmOutcome.Failed => "[red]Failed[/]",
        VmOutcome.NeedsAttention => "[yellow]NeedsAttention[/]",
        VmOutcome.Unreachable => "[grey]Unreachable[/]",
        VmOutcome.Fixed or VmOutcome.Healthy or VmOutcome.RolledBack => $"[green]{outcome}[/]",
        _ => outcome.ToString(),
    };
}
