using System.Collections.Concurrent;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AzureRdsFix.Cli.Output;

/// <summary>The terminal display: how many VMs are at each stage and how many ended in each outcome, redrawn in place.</summary>
public sealed class LiveProgress(IAnsiConsole console) : IRunObserver
{
    private readonly ConcurrentDictionary<string, string> _stageByVm = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<VmOutcome, int> _outcomes = new();
    private readonly ConcurrentQueue<string> _recent = new();
    private int _discovered;
    private int _scopeErrors;

    public void Discovered(VmRef vm)
    {
        Interlocked.Increment(ref _discovered);
        _stageByVm[vm.Id] = "queued";
    }

    public void StepStarted(VmRef vm, JournalStep step) => _stageByVm[vm.Id] = step.Name();

    public void Completed(VmReport report)
    {
        _stageByVm.TryRemove(report.Id, out _);
        _outcomes.AddOrUpdate(report.Outcome, 1, (_, n) => n + 1);
        _recent.Enqueue($"{report.Name}: {report.Outcome}");
        while (_recent.Count > 5)
        {
            _recent.TryDequeue(out _);
        }
    }

    public void ScopeFailed(ScopeError error) => Interlocked.Increment(ref _scopeErrors);

    /// <summary>Runs <paramref name="work"/> while redrawing the display a few times a second.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        T result = default!;
        await console.Live(Render()).AutoClear(true).StartAsync(async context =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(200));
            }

            context.UpdateTarget(Render());
            result = await task;
        });
        return result;
    }

    private IRenderable Render()
    {
        var stages = _stageByVm.Values.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        var outcomes = _outcomes.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}");
        var done = _outcomes.Values.Sum();
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(new Markup("[bold]VMs[/]"), new Text($"{done}/{Volatile.Read(ref _discovered)} done"));
        grid.AddRow(new Markup("[bold]working[/]"), new Text(string.Join("  ", stages)));
        grid.AddRow(new Markup("[bold]outcomes[/]"), new Text(string.Join("  ", outcomes)));
        if (Volatile.Read(ref _scopeErrors) > 0)
        {
            grid.AddRow(new Markup("[bold red]scopes failed[/]"), new Text(_scopeErrors.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        grid.AddRow(new Markup("[bold]latest[/]"), new Text(string.Join("\n", _recent)));
        return new Panel(grid).Header("azrdsfix").Border(BoxBorder.Rounded);
    }
}
