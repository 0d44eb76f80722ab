using System.Text.Json.Nodes;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>How every run ends: report files, the journal's last record, the table, pipeline commands and the exit code.</summary>
public static class RunOutput
{
    public static async Task<int> FinishAsync(CliServices services, RunReport report, OutputArguments output, string outDir, JournalWriter? journal, bool cancelled, bool authFailedEverywhere)
    {
        var written = ReportFiles.Write(report, outDir, output.Formats);
        var summary = SummaryRenderer.SummaryLine(report);
        if (journal is not null)
        {
            await journal.AppendAsync(new JournalEntry
            {
                At = report.FinishedAt,
                Type = JournalTypes.RunFinished,
                RunId = report.RunId,
                Status = cancelled ? StepStatus.Cancelled : StepStatus.Succeeded,
                Data = new JsonObject { ["summary"] = summary },
            });
        }

        var io = services.IO;
        if (!output.Quiet)
        {
            SummaryRenderer.RenderTable(ConsoleFactory.For(io), report);
            await io.Out.WriteLineAsync($"Report: {written.ReportJson}");
            if (journal is not null)
            {
                await io.Out.WriteLineAsync($"Journal: {journal.Path}");
            }
        }

        await io.Out.WriteLineAsync(summary);
        if (AzurePipelines.IsActive(services.Environment.GetVariable))
        {
            AzurePipelines.Write(io.Out, report, written.Markdown);
        }

        if (cancelled)
        {
            // Runnable as printed: the resumed run takes scope, fix and connection from the journal; fix without a
            // terminal needs --yes.
            var yes = report.Command == "fix" ? $" {OptionNames.Yes}" : string.Empty;
            var resume = journal is null ? string.Empty : $" Continue with: azrdsfix {report.Command} {OptionNames.Resume} {Quote(journal.Path)}{yes}";
            await io.Error.WriteLineAsync($"azrdsfix: cancelled; in-flight steps are recorded.{resume}");
            return ExitCodes.Cancelled;
        }

        if (authFailedEverywhere)
        {
            await io.Error.WriteLineAsync($"azrdsfix: {report.ScopeErrors[0].Message}");
            return ExitCodes.ToolFailure;
        }

        return ExitPolicy.For(report, output.FailOn);
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
