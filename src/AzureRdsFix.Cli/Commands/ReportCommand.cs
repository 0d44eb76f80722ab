using System.CommandLine;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Commands;

/// <summary>
/// `azrdsfix report --journal PATH [--journal PATH…]`: re-renders a run's report from its journal, or merges the
/// journals of shard runs (--shard K/N) into one report, each VM once (its latest outcome). No Azure call.
/// </summary>
public sealed class ReportCommand(CliServices services, RunOptions options)
{
    private readonly Option<string[]> _journals = new(OptionNames.Journal) { Description = "A run's journal.jsonl (repeatable: shard journals are merged).", Required = true };

    public Command Build()
    {
        var command = new Command("report", "Re-render a run's report from its journal, or merge shard journals into one report.");
        command.Options.Add(_journals);
        options.AddOutputOptions(command);
        command.SetAction((result, _) => ExecuteAsync(result.GetValue(_journals)!, options.BindOutput(result)));
        return command;
    }

    private async Task<int> ExecuteAsync(string[] journals, OutputArguments output)
    {
        // One fold over the journals in the order given: a later journal's line for a VM replaces an earlier one.
        var view = JournalView.Open(journals.Select(j => Path.GetFullPath(j, services.Environment.CurrentDirectory)).ToArray());
        var commands = view.Starts.Select(s => s.Command).Distinct().ToArray();
        if (commands.Length > 1)
        {
            throw new UsageException($"{OptionNames.Journal} names journals of different commands ({string.Join(", ", commands.Select(c => c.Name()))}): merge only the shards of one run.");
        }

        var runIds = view.Starts.Select(s => s.RunId).Distinct().ToArray();
        var runId = runIds.Length == 1 ? runIds[0] : $"merged-{runIds[0]}";
        var outDir = RunFolder.ChooseOutDir(
            services.Environment.CurrentDirectory,
            output.OutDir,
            view.Paths.Count == 1 ? Path.GetDirectoryName(view.Paths[0])! : Path.Combine(services.Environment.CurrentDirectory, "azrdsfix-runs", runId));
        using var reports = view.Reports(services.ReportLineRead);
        var report = RunOutput.Report(
            view,
            reports,
            commands[0].Name(),
            view.Starts.Min(s => s.At),
            view.Fold.LastAt ?? services.Time.GetUtcNow(),
            runId);
        return await RunOutput.FinishAsync(services, report, output, outDir, journal: null, cancelled: false, authFailedEverywhere: false);
    }
}
