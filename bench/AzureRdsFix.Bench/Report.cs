using System.Globalization;

namespace AzureRdsFix.Bench;

/// <summary>The printed table: one column per fleet run, then the one-VM-at-a-time baseline and the step mix.</summary>
public static class Report
{
    public static void Print(IReadOnlyList<FleetRunResult> runs, FleetRunResult? baseline, BenchOptions options)
    {
        var rows = new List<(string Label, Func<FleetRunResult, string> Value)>
        {
            ("VMs / subscriptions", r => $"{r.Vms} / {r.Subscriptions}"),
            ("wall time (tool process)", r => S(r.WallSeconds)),
            ("lower bound", r => S(r.Bound.Seconds)),
            ("  slowest VM's critical path", r => S(r.Bound.CriticalPathSeconds)),
            ("  throttling budgets", r => r.Bound.BudgetSeconds > 0 ? S(r.Bound.BudgetSeconds) : "-"),
            ("ratio wall / lower bound", r => (r.WallSeconds / r.Bound.Seconds).ToString("0.0", Inv) + "×"),
            ("VMs per second", r => (r.Vms / r.WallSeconds).ToString("0.0", Inv)),
            ("tool's time per VM: mean / slowest", r => $"{S(r.Journal.MeanVmSeconds)} / {S(r.Journal.MaxVmSeconds)}"),
            ("  VMs × mean / max-parallel", r => r.MaxParallel > 0 ? S(r.Vms * r.Journal.MeanVmSeconds / r.MaxParallel) : "- (tool default)"),
            ("ARM calls per VM", r => ((double)r.ArmCalls / r.Vms).ToString("0.00", Inv)),
            ("  429 throttled / 409 busy", r => $"{r.Throttled} / {r.Conflicts}"),
            ("  max UpdateVM calls in a subscription", r => r.Bound.MaxUpdateVmPerSubscription.ToString(Inv)),
            ("tool peak working set (VmHWM)", r => Mb(r.Tool.PeakWorkingSetBytes)),
            ("tool peak managed heap", r => Mb(r.Tool.PeakManagedBytes)),
            ("tool allocated (total / per VM)", r => $"{Mb(r.Tool.TotalAllocatedBytes)} / {r.Tool.TotalAllocatedBytes / 1024.0 / r.Vms:0} KB"),
            ("tool GCs gen0/1/2", r => $"{r.Tool.Gen0}/{r.Tool.Gen1}/{r.Tool.Gen2}"),
            ("tool CPU / simulator CPU", r => $"{S(r.Tool.CpuSeconds)} / {S(r.SimulatorCpuSeconds)}"),
        };

        var headers = runs.Select(r => r.Command).ToArray();
        var width = rows.Max(r => r.Label.Length) + 2;
        var columns = runs.Select((r, i) => Math.Max(headers[i].Length, rows.Max(row => row.Value(r).Length)) + 2).ToArray();
        Console.WriteLine("".PadRight(width) + string.Concat(headers.Select((h, i) => h.PadLeft(columns[i]))));
        foreach (var (label, value) in rows)
        {
            Console.WriteLine(label.PadRight(width) + string.Concat(runs.Select((r, i) => value(r).PadLeft(columns[i]))));
        }

        Console.WriteLine();
        foreach (var run in runs)
        {
            Console.WriteLine($"{run.Command}: bound by the {run.Bound.BindingConstraint}; steps done: {Join(run.Bound.StepCounts)}");
            Console.WriteLine($"{run.Command}: outcomes: {Join(run.Outcomes)}");
            Console.WriteLine($"{run.Command}: mean step time in the tool (simulated minimum): {string.Join(", ", run.Journal.MeanStepSeconds.Select(s => $"{s.Key} {S(s.Value)} ({S(run.Bound.StepMinimum.GetValueOrDefault(s.Key))})"))}");
            Console.WriteLine($"{run.Command}: ARM calls by operation: {string.Join(", ", run.ByOperation.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        }

        if (baseline is not null)
        {
            var fix = runs.FirstOrDefault(r => r.Command == "fix");
            var perVm = baseline.WallSeconds / baseline.Vms;
            Console.WriteLine();
            Console.WriteLine($"one VM at a time (fix --max-parallel 1 on a {baseline.Vms}-VM sample, same generator): {S(baseline.WallSeconds)} = {S(perVm)} per VM");
            if (fix is not null)
            {
                var extrapolated = perVm * fix.Vms;
                Console.WriteLine($"  EXTRAPOLATED to {fix.Vms} VMs: {S(extrapolated)} ({extrapolated / fix.WallSeconds:0.#}× the fleet run's {S(fix.WallSeconds)})");
            }

            Console.WriteLine($"  sample outcomes: {Join(baseline.Outcomes)}; its lower bound {S(baseline.Bound.Seconds)}");
        }

        Console.WriteLine();
        var fixRun = runs.FirstOrDefault(r => r.Command == "fix");
        if (fixRun is not null)
        {
            var ratio = fixRun.WallSeconds / fixRun.Bound.Seconds;
            Console.WriteLine($"target fix wall <= 1.25x lower bound (goal 1.10): {ratio:0.00}x — {(ratio <= 1.10 ? "goal met" : ratio <= 1.25 ? "met" : "NOT met")}");
            if (baseline is not null)
            {
                var speedup = baseline.WallSeconds / baseline.Vms * fixRun.Vms / fixRun.WallSeconds;
                Console.WriteLine($"target fix >= 50x faster than one at a time: {speedup:0}x — {(speedup >= 50 ? "met" : "NOT met")}");
            }
        }

        foreach (var run in runs)
        {
            Console.WriteLine($"target zero 429s ({run.Command}): {run.Throttled} — {(run.Throttled == 0 ? "met" : "NOT met")}");
        }
    }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string S(double seconds) => seconds >= 100 ? seconds.ToString("0", Inv) + " s" : seconds.ToString("0.00", Inv) + " s";

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", Inv) + " MB";

    private static string Join(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
