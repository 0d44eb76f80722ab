using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Bench;

/// <summary>
/// What the tool's journal says happened: the steps each VM went through (Succeeded records), how long each step and each
/// VM took (started → succeeded, first record → outcome), and the outcomes.
/// </summary>
public sealed record JournalSummary(
    IReadOnlyDictionary<string, List<string>> StepsByVm,
    IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyDictionary<string, double> MeanStepSeconds,
    double MeanVmSeconds,
    double MaxVmSeconds)
{
    /// <param name="clockScale">The tool's clock ran 1 / clockScale times fast (ScaledClock): its journal times are multiplied back.</param>
    public static JournalSummary Read(string path, double clockScale = 1)
    {
        var steps = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var stepStarts = new Dictionary<(string, string), DateTimeOffset>();
        var stepTimes = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        var vmFirst = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var vmTimes = new List<double>();
        // Through the tool's own journal reader: the bench reads what the tool wrote, by the tool's schema.
        foreach (var record in JournalFile.Read(path).Select(l => l.Event))
        {
            var at = record.At;
            switch (record)
            {
                case VmDiscovered discovered:
                    vmFirst.TryAdd(discovered.Vm.Id, at);
                    break;
                case StepStarted started:
                    vmFirst.TryAdd(started.VmId, at);
                    stepStarts[(started.VmId, started.Step.Name())] = at;
                    break;
                case StepFinished { Status: StepStatus.Succeeded } finished:
                    var step = finished.Step.Name();
                    if (!steps.TryGetValue(finished.VmId, out var list))
                    {
                        steps[finished.VmId] = list = [];
                    }

                    list.Add(step);
                    if (stepStarts.Remove((finished.VmId, step), out var from))
                    {
                        var (sum, count) = stepTimes.GetValueOrDefault(step);
                        stepTimes[step] = (sum + ((at - from).TotalSeconds * clockScale), count + 1);
                    }

                    break;
                case VmFinished outcome:
                    var name = outcome.Report.Outcome.ToString();
                    outcomes[name] = outcomes.GetValueOrDefault(name) + 1;
                    vmTimes.Add((at - vmFirst.GetValueOrDefault(outcome.VmId, at)).TotalSeconds * clockScale);
                    break;
            }
        }

        return new JournalSummary(
            steps,
            outcomes,
            stepTimes.ToDictionary(s => s.Key, s => s.Value.Sum / s.Value.Count),
            vmTimes.DefaultIfEmpty(0).Average(),
            vmTimes.DefaultIfEmpty(0).Max());
    }
}
