using AzureRdsFix.Core.Journal;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Bench;

/// <summary>
/// The least wall time any tool could take for the work this run did, in real (scaled) seconds:
/// (a) the slowest VM's own critical path: its subscription list and VM-list pages, then for every step the tool's
/// journal shows it needed (triage, probe, snapshot, remediate, restart, verify) the requests it cannot do without
/// (at the simulator's request latency) plus the long-running operations exactly as long as the simulator drew them
/// for that VM (<see cref="SimulatedVm.LroTime"/>), each seen done by one status read;
/// (b) each budget those requests draw on: per subscription and region, Compute's UpdateVM (1,500 burst, 500 a minute)
/// and snapshot creation (999, 333); per VM UpdateVM (12, 4 a minute); per subscription ARM's reads (250, 25 a second)
/// and writes (200, 10 a second) — the n-th call cannot be made before its bucket refilled n − burst tokens, and a
/// Run Command still has to finish after the last one. Buckets refill 1/scale faster, as the simulator's do.
/// </summary>
public sealed record LowerBound(
    double Seconds,
    double CriticalPathSeconds,
    double BudgetSeconds,
    string BindingConstraint,
    IReadOnlyDictionary<string, int> StepCounts,
    IReadOnlyDictionary<string, double> StepMinimum,
    int MaxUpdateVmPerSubscription)
{
    private static readonly Dictionary<string, (int Capacity, double PerSecond)> Budgets = new(StringComparer.Ordinal)
    {
        ["UpdateVM"] = (1500, 500 / 60.0),
        ["HighCostSnapshotCreateHydrate"] = (999, 333 / 60.0),
        ["ARM reads"] = (250, 25),
        ["ARM writes"] = (200, 10),
    };

    private const int UpdateVmPerVmCapacity = 12;
    private const double UpdateVmPerVmPerSecond = 4 / 60.0;

    public static LowerBound Compute(Fleet fleet, JournalSummary journal, double scale)
    {
        double S(TimeSpan t) => t.TotalSeconds * scale;
        var read = S(SimulatedDurations.ReadLatency);
        var write = S(SimulatedDurations.WriteLatency);
        var list = S(SimulatedDurations.ListLatency);

        // Per step: the requests no tool can skip (the LRO itself is in the VM's LroTime), and its reads and writes.
        var step = new Dictionary<string, (double Seconds, int Reads, int Writes, string? Policy)>(StringComparer.Ordinal)
        {
            [JournalSteps.Triage] = (read, 1, 0, null),
            [JournalSteps.Probe] = (write + read + read, 2, 1, "UpdateVM"),       // POST, status read, result read
            [JournalSteps.Remediate] = (write + read + read, 2, 1, "UpdateVM"),
            [JournalSteps.Verify] = (write + read + read, 2, 1, "UpdateVM"),
            [JournalSteps.Snapshot] = (read + write + read + read, 3, 1, "HighCostSnapshotCreateHydrate"), // disk GET, PUT, status, read back
            [JournalSteps.Restart] = (write + read + read, 2, 1, "UpdateVM"),      // POST, status, instance view
        };

        var stepCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var critical = 0.0;
        var counts = new Dictionary<(string Scope, string Budget), int>();
        var perVmBudget = 0.0;
        var runCommandTail = write + S(SimulatedDurations.RunCommand) + read;
        foreach (var subscription in fleet.Subscriptions)
        {
            // A VM is listed only once its page arrives: the subscription list, then the pages before and including its own.
            var pageSizes = fleet.PageSizes;
            var (page, left) = (0, pageSizes[0]);
            foreach (var vm in subscription.Vms)
            {
                while (left == 0)
                {
                    page++;
                    left = pageSizes[page % pageSizes.Count];
                }

                left--;
                var path = (list * (page + 2)) + vm.LroTime.TotalSeconds;
                var updateVm = 0;
                foreach (var name in journal.StepsByVm.GetValueOrDefault(vm.Id) ?? [])
                {
                    if (!step.TryGetValue(name, out var cost))
                    {
                        continue;
                    }

                    path += cost.Seconds;
                    stepCounts[name] = stepCounts.GetValueOrDefault(name) + 1;
                    Add(counts, (subscription.Id, "ARM reads"), cost.Reads);
                    Add(counts, (subscription.Id, "ARM writes"), cost.Writes);
                    if (cost.Policy is { } policy)
                    {
                        Add(counts, ($"{subscription.Id}/{vm.Location}", policy), 1);
                    }

                    updateVm += cost.Policy == "UpdateVM" ? 1 : 0;
                }

                critical = Math.Max(critical, path);
                if (updateVm > UpdateVmPerVmCapacity)
                {
                    perVmBudget = Math.Max(perVmBudget, Wait(updateVm, UpdateVmPerVmCapacity, UpdateVmPerVmPerSecond, scale) + runCommandTail);
                }
            }
        }

        var budget = perVmBudget;
        var binding = "critical path of the slowest VM";
        foreach (var ((scope, name), n) in counts)
        {
            var (capacity, perSecond) = Budgets[name];
            var seconds = Wait(n, capacity, perSecond, scale) + runCommandTail;
            if (n > capacity && seconds > budget)
            {
                budget = seconds;
                binding = $"{name} budget of {scope[..8]}…";
            }
        }

        var maxUpdateVm = counts.Where(c => c.Key.Budget == "UpdateVM").GroupBy(c => c.Key.Scope[..36]).Select(g => g.Sum(c => c.Value)).DefaultIfEmpty(0).Max();
        return new LowerBound(
            Math.Max(critical, budget), critical, budget, budget > critical ? binding : "critical path of the slowest VM",
            stepCounts, step.ToDictionary(s => s.Key, s => s.Value.Seconds), maxUpdateVm);
    }

    private static void Add(Dictionary<(string, string), int> counts, (string, string) key, int n) => counts[key] = counts.GetValueOrDefault(key) + n;

    /// <summary>Real seconds before the n-th call can go: (n − capacity) tokens at the refill rate, 1/scale faster.</summary>
    private static double Wait(int calls, int capacity, double perSecond, double scale) =>
        calls <= capacity ? 0 : (calls - capacity) / perSecond * scale;
}
