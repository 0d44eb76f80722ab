using System.Text.Json;
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
        var started = new Dictionary<(string, string), DateTimeOffset>();
        var stepTimes = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        var vmFirst = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var vmTimes = new List<double>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            var type = root.GetProperty("type").GetString();
            var vmId = root.TryGetProperty("vmId", out var id) ? id.GetString() : null;
            if (vmId is null)
            {
                continue;
            }

            var at = root.GetProperty("at").GetDateTimeOffset();
            vmFirst.TryAdd(vmId, at);
            if (type == JournalTypes.Step)
            {
                var step = root.GetProperty("step").GetString()!;
                var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
                if (status == StepStatus.Started)
                {
                    started[(vmId, step)] = at;
                }
                else if (status == StepStatus.Succeeded)
                {
                    if (!steps.TryGetValue(vmId, out var list))
                    {
                        steps[vmId] = list = [];
                    }

                    list.Add(step);
                    if (started.Remove((vmId, step), out var from))
                    {
                        var (sum, count) = stepTimes.GetValueOrDefault(step);
                        stepTimes[step] = (sum + ((at - from).TotalSeconds * clockScale), count + 1);
                    }
                }
            }
            else if (type == JournalTypes.VmOutcome)
            {
                var outcome = root.GetProperty("data").GetProperty("report").GetProperty("outcome").GetString() ?? "?";
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                vmTimes.Add((at - vmFirst[vmId]).TotalSeconds * clockScale);
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
