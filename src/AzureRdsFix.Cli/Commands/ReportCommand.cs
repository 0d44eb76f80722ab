using System.CommandLine;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

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
        var views = journals
            .Select(j => Path.GetFullPath(j, services.Environment.CurrentDirectory))
            .Select(path => (Path: path, View: JournalView.Open(path)))
            .ToArray();
        var commands = views.Select(v => v.View.Command).Distinct().ToArray();
        if (commands.Length > 1)
        {
            throw new UsageException($"{OptionNames.Journal} names journals of different commands ({string.Join(", ", commands)}): merge only the shards of one run.");
        }

        var vms = new Dictionary<string, VmReport>(VmRef.IdComparer);
        foreach (var last in views.SelectMany(v => v.View.Vms()).Select(v => v.LastReport).OfType<VmReport>())
        {
            vms[last.Id] = last;
        }

        var runId = views.Length == 1 ? views[0].View.RunId ?? "unknown" : $"merged-{views[0].View.RunId}";
        var report = new RunReport
        {
            Tool = new ToolInfo("azrdsfix", ToolVersion.Current),
            RunId = runId,
            Command = commands[0] ?? "scan",
            StartedAt = views.Select(v => v.View.StartedAt).Min() ?? services.Time.GetUtcNow(),
            FinishedAt = views.Select(v => v.View.FinishedAt).Max() ?? services.Time.GetUtcNow(),
            Vms = vms.Values.OrderBy(v => v.SubscriptionId, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Id, StringComparer.OrdinalIgnoreCase).ToArray(),
            ScopeErrors = views.SelectMany(v => v.View.ScopeErrors).Distinct().ToArray(),
        };

        var outDir = RunFolder.ChooseOutDir(
            services.Environment.CurrentDirectory,
            output.OutDir,
            views.Length == 1 ? Path.GetDirectoryName(views[0].Path)! : Path.Combine(services.Environment.CurrentDirectory, "azrdsfix-runs", runId));
        return await RunOutput.FinishAsync(services, report, output, outDir, journal: null, cancelled: false, authFailedEverywhere: false);
    }
}
