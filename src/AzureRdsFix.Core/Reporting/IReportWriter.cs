namespace AzureRdsFix.Core.Reporting;

/// <summary>Renders a <see cref="RunReport"/> in one format. Output depends on the report alone (no clock, no culture).</summary>
public interface IReportWriter
{
    /// <summary>The --format value: json, csv, junit or markdown.</summary>
    string Format { get; }

    /// <summary>The file name in the out folder, e.g. report.json.</summary>
    string FileName { get; }

    void Write(RunReport report, TextWriter writer);
}

/// <summary>The report writers, one per format.</summary>
public static class ReportWriters
{
    public static IReadOnlyList<IReportWriter> All { get; } =
        [new JsonReportWriter(), new CsvReportWriter(), new JUnitReportWriter(), new MarkdownReportWriter()];

    public static IReadOnlyList<string> Formats { get; } = [.. All.Select(w => w.Format)];

    /// <summary>The writer of a --format value (case-insensitive), or null when there is none.</summary>
    public static IReportWriter? For(string format) =>
        All.FirstOrDefault(w => string.Equals(w.Format, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>Renders to a string, for tests and for callers that write files themselves.</summary>
    public static string Render(this IReportWriter writer, RunReport report)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        writer.Write(report, text);
        return text.ToString();
    }
}
