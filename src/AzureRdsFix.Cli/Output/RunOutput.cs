using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>How every run ends: report files, the journal's last record, the table, pipeline commands and the exit code.</summary>
public static class RunOutput
{
    /// <summary>
    /// The report of a folded journal: its reports (read from disk as the writers go), its scope errors and the totals
    /// the fold already counted. The one place a run's report is assembled, for every command.
    /// </summary>
    public static RunReport Report(JournalView journal, IReadOnlyList<VmReport> reports, string command, DateTimeOffset startedAt, DateTimeOffset finishedAt, string? runId = null) => new()
    {
        Tool = new ToolInfo("azrdsfix", ToolVersion.Current),
        RunId = runId ?? journal.RunId,
        Command = command,
        StartedAt = startedAt,
        FinishedAt = finishedAt,
        Vms = reports,
        ScopeErrors = journal.Fold.ScopeErrors,
        Totals = journal.Fold.Totals,
    };

    /// <summary>A rollback is not resumed: it puts recorded values back, so it is simply run again on the fix journal.</summary>
    private static readonly string RollbackAgain = $"Run the rollback again with {OptionNames.Journal} of the fix run to finish it.";

    /// <param name="stoppedBecause">Why the run was stopped from inside (e.g. the access token expired): exit 3 with that sentence.</param>
    public static async Task<int> FinishAsync(CliServices services, RunReport report, OutputArguments output, string outDir, JournalWriter? journal, bool cancelled, bool authFailedEverywhere, string? stoppedBecause = null)
    {
        cancelled |= stoppedBecause is not null;
        report = report with { FailOn = output.FailOn };
        var io = services.IO;

        // One pass over the fold's VMs (read from the journal as they come) feeds every end-of-run output. The summary
        // line and the exit code need only the fold's counts.
        var files = ReportFiles.Open(outDir, output.Formats);
        var table = output.Quiet ? null : new TableWriter();
        var pipelines = AzurePipelines.IsActive(services.Environment.GetVariable) ? new AzurePipelines(io.Out) : null;
        try
        {
            var writers = new List<IRunWriter>(files);
            if (table is not null)
            {
                writers.Add(table);
            }

            if (pipelines is not null)
            {
                writers.Add(pipelines);
            }

            Pass(report, writers);
        }
        finally
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
        }

        var written = ReportFiles.Paths(outDir);
        var summary = SummaryRenderer.SummaryLine(report);
        if (journal is not null)
        {
            await journal.AppendAsync(new RunFinished { At = report.FinishedAt, RunId = report.RunId, Cancelled = cancelled, Summary = summary });
        }

        if (table is not null)
        {
            table.Render(ConsoleFactory.For(io));
            await io.Out.WriteLineAsync($"Report: {written.ReportJson}");
            if (journal is not null)
            {
                await io.Out.WriteLineAsync($"Journal: {journal.Path}");
            }
        }

        await io.Out.WriteLineAsync(summary);
        pipelines?.UploadSummary(written.Markdown);

        if (stoppedBecause is not null)
        {
            var resume = journal is null ? string.Empty : report.Command == "rollback"
                ? $" In-flight steps are recorded. {RollbackAgain}"
                : $" In-flight steps are recorded; continue with: azrdsfix {report.Command} {OptionNames.Resume} {journal.Path}";
            await io.Error.WriteLineAsync($"azrdsfix: {stoppedBecause}{resume}");
            return ExitCodes.ToolFailure;
        }

        if (cancelled)
        {
            // Runnable as printed: the resumed run takes scope, fix and connection from the journal; fix without a
            // terminal needs --yes.
            var yes = report.Command == "fix" ? $" {OptionNames.Yes}" : string.Empty;
            var resume = journal is null ? string.Empty : report.Command == "rollback"
                ? $" {RollbackAgain}"
                : $" Continue with: azrdsfix {report.Command} {OptionNames.Resume} {Quote(journal.Path)}{yes}";
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

    private static void Pass(RunReport report, IReadOnlyList<IRunWriter> writers)
    {
        foreach (var writer in writers)
        {
            writer.Begin(report);
        }

        foreach (var vm in report.Vms)
        {
            foreach (var writer in writers)
            {
                writer.WriteVm(vm);
            }
        }

        foreach (var writer in writers)
        {
            writer.End();
        }
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
