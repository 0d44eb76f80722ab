using AzureRdsFix.Core.Journal;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Bench;

/// <summary>
/// The least wall time any tool could take for the work this run did, in the simulator's scaled time: the slowest VM's
/// own critical path (list → triage → probe → snapshot → remediate → restart → verify, each at the simulator's minimum:
/// request latency + LRO duration + one status read), and each subscription's throttling budget (Compute's published
/// token buckets, reference/azure-and-windows-facts.md §5, refilled 1/scale faster as the simulator does).
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
    // Compute's budgets (capacity, refill per minute), per subscription and per VM.
    private static readonly (string Policy, int Capacity, double PerMinute)[] PerSubscription =
    [
        ("UpdateVM", 1500, 500),
        ("HighCostSnapshotCreateHydrate", 999, 333),
    ];

    private const int UpdateVmPerVmCapacity = 12;
    private const double UpdateVmPerVmPerMinute = 4;

    public static LowerBound Compute(Fleet fleet, JournalSummary journal, double scale)
    {
        double S(TimeSpan t) => t.TotalSeconds * scale;
        var read = S(SimulatedDurations.ReadLatency);
        var write = S(SimulatedDurations.WriteLatency);
        var list = S(SimulatedDurations.ListLatency);
        var runCommand = write + S(SimulatedDurations.RunCommand) + read;
        var step = new Dictionary<string, double>
        {
            [JournalSteps.Triage] = read,
            [JournalSteps.Probe] = runCommand,
            [JournalSteps.Remediate] = runCommand,
            [JournalSteps.Verify] = runCommand,
            [JournalSteps.Snapshot] = read + write + S(SimulatedDurations.Snapshot) + read + read, // disk GET, PUT, LRO, read back
            [JournalSteps.Restart] = write + S(SimulatedDurations.Restart) + read + read,          // POST, LRO, instance view
        };

        var stepCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var critical = 0.0;
        var perSubscription = new Dictionary<string, Dictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        var timeScale = 1 / scale;
        var perVmBudget = 0.0;
        foreach (var subscription in fleet.Subscriptions)
        {
            // A VM is listed only once its page arrives: the subscription list, then the pages before and including its own.
            var pageSizes = fleet.PageSizes;
            var (page, left) = (0, pageSizes[0]);
            var counts = perSubscription[subscription.Id] = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var vm in subscription.Vms)
            {
                while (left == 0)
                {
                    page++;
                    left = pageSizes[page % pageSizes.Count];
                }

                left--;
                var path = list * (page + 2);
                var updateVm = 0;
                foreach (var name in journal.StepsByVm.GetValueOrDefault(vm.Id) ?? [])
                {
                    if (!step.TryGetValue(name, out var seconds))
                    {
                        continue;
                    }

                    path += seconds;
                    stepCounts[name] = stepCounts.GetValueOrDefault(name) + 1;
                    var policy = Policy(name);
                    if (policy is not null)
                    {
                        counts[policy] = counts.GetValueOrDefault(policy) + 1;
                    }

                    updateVm += policy == "UpdateVM" ? 1 : 0;
                }

                critical = Math.Max(critical, path);
                if (updateVm > UpdateVmPerVmCapacity)
                {
                    perVmBudget = Math.Max(perVmBudget, Wait(updateVm, UpdateVmPerVmCapacity, UpdateVmPerVmPerMinute, timeScale) + runCommand);
                }
            }
        }

        // The n-th call of a policy cannot be made before the bucket has refilled n - capacity tokens, and at least one
        // Run Command (the cheapest step that draws on it) still has to finish after the last call.
        var budget = 0.0;
        var binding = "critical path of the slowest VM";
        foreach (var (subscriptionId, counts) in perSubscription)
        {
            foreach (var (policy, capacity, perMinute) in PerSubscription)
            {
                var tail = policy == "UpdateVM" ? runCommand : step[JournalSteps.Snapshot] - read - write + runCommand;
                var seconds = Wait(counts.GetValueOrDefault(policy), capacity, perMinute, timeScale) + tail;
                if (counts.GetValueOrDefault(policy) > capacity && seconds > budget)
                {
                    budget = seconds;
                    binding = $"{policy} budget of subscription {subscriptionId[..8]}…";
                }
            }
        }

        budget = Math.Max(budget, perVmBudget);
        var maxUpdateVm = perSubscription.Values.Select(c => c.GetValueOrDefault("UpdateVM")).DefaultIfEmpty(0).Max();
        return new LowerBound(Math.Max(critical, budget), critical, budget, budget > critical ? binding : "critical path of the slowest VM", stepCounts, step, maxUpdateVm);
    }

    private static double Wait(int calls, int capacity, double perMinute, double timeScale) =>
        calls <= capacity ? 0 : (calls - capacity) / perMinute * 60 / timeScale;

    private static string? Policy(string step) => step switch
    {
        JournalSteps.Probe or JournalSteps.Remediate or JournalSteps.Verify or JournalSteps.Restart => "UpdateVM",
        JournalSteps.Snapshot => "HighCostSnapshotCreateHydrate",
        _ => null,
    };
}
