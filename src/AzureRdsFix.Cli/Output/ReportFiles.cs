using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

public sealed record WrittenReports(string ReportJson, string Markdown);

/// <summary>Writes report.json (always), report.md (always: the pipeline summary tab and humans read it) and any other --format.</summary>
public static class ReportFiles
{
    public static WrittenReports Write(RunReport report, string outDir, IReadOnlyList<string> formats)
    {
        Directory.CreateDirectory(outDir);
        var wanted = formats.Append("json").Append("markdown").Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var format in wanted)
        {
            var writer = ReportWriters.For(format)!;
            var path = Path.Combine(outDir, writer.FileName);
            var temp = path + ".tmp";
            // Written aside and moved into place, so a reader never sees half a report.
            using (var file = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(false)))
            {
                writer.Write(report, file);
            }

            File.Move(temp, path, overwrite: true);
        }

        return new WrittenReports(
            Path.Combine(outDir, ReportWriters.For("json")!.FileName),
            Path.Combine(outDir, ReportWriters.For("markdown")!.FileName));
    }
}
