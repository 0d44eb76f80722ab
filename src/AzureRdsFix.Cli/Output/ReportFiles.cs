using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

public sealed record WrittenReports(string ReportJson, string Markdown);

/// <summary>report.json (always), report.md (always: the pipeline summary tab and humans read it) and any other --format.</summary>
public static class ReportFiles
{
    /// <summary>A writer per file, to be fed by the run's one pass; each file appears complete at its <see cref="IRunWriter.End"/>.</summary>
    public static IReadOnlyList<ReportFileWriter> Open(string outDir, IReadOnlyList<string> formats)
    {
        Directory.CreateDirectory(outDir);
        return [.. formats.Append("json").Append("markdown").Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(format => new ReportFileWriter(ReportWriters.For(format)!, outDir))];
    }

    public static WrittenReports Paths(string outDir) => new(
        Path.Combine(outDir, ReportWriters.For("json")!.FileName),
        Path.Combine(outDir, ReportWriters.For("markdown")!.FileName));
}

/// <summary>One report file, written aside and moved into place at the end, so a reader never sees half a report.</summary>
public sealed class ReportFileWriter(IReportWriter format, string outDir) : IRunWriter, IDisposable
{
    private readonly string _path = Path.Combine(outDir, format.FileName);
    private StreamWriter? _file;

    public void Begin(RunReport run)
    {
        _file = new StreamWriter(_path + ".tmp", append: false, new System.Text.UTF8Encoding(false));
        format.Begin(run, _file);
    }

    public void WriteVm(VmReport vm) => format.WriteVm(vm);

    public void End()
    {
        format.End();
        _file!.Dispose();
        _file = null;
        File.Move(_path + ".tmp", _path, overwrite: true);
    }

    public void Dispose()
    {
        _file?.Dispose();
        (format as IDisposable)?.Dispose();
    }
}
