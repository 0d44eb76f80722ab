namespace AzureRdsFix.Core.Reporting;

/// <summary>
/// Renders a run in one format as one pass over its VMs: <see cref="Begin"/> with what is known before the VMs (the run,
/// its summary counts, scope errors and --fail-on), <see cref="WriteVm"/> per VM in report order, <see cref="End"/>.
/// A writer keeps no more than its format needs (JUnit one subscription's VMs, Markdown the text of the VMs it lists),
/// so a fleet's reports stream from the journal. Output depends on the run alone (no clock, no culture). One instance
/// renders one run.
/// </summary>
public interface IReportWriter
{
    /// <summary>The --format value: json, csv, junit or markdown.</summary>
    string Format { get; }

    /// <summary>The file name in the out folder, e.g. report.json.</summary>
    string FileName { get; }

    /// <summary>Starts the output; <paramref name="run"/>'s VMs are not read (they come through <see cref="WriteVm"/>).</summary>
    void Begin(RunReport run, TextWriter writer);

    void WriteVm(VmReport vm);

    void End();
}

/// <summary>The report writers, one per format.</summary>
public static class ReportWriters
{
    private static readonly Func<IReportWriter>[] Factories =
        [() => new JsonReportWriter(), () => new CsvReportWriter(), () => new JUnitReportWriter(), () => new MarkdownReportWriter()];

    /// <summary>A fresh writer of every format.</summary>
    public static IReadOnlyList<IReportWriter> All => [.. Factories.Select(f => f())];

    public static IReadOnlyList<string> Formats { get; } = [.. All.Select(w => w.Format)];

    /// <summary>A fresh writer of a --format value (case-insensitive), or null when there is none.</summary>
    public static IReportWriter? For(string format) =>
        All.FirstOrDefault(w => string.Equals(w.Format, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>Begin, every VM of <paramref name="report"/>, End.</summary>
    public static void Write(this IReportWriter writer, RunReport report, TextWriter text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.Begin(report, text);
        foreach (var vm in report.Vms)
        {
            writer.WriteVm(vm);
        }

        writer.End();
    }

    /// <summary>Renders to a string, for tests and for callers that write files themselves.</summary>
    public static string Render(this IReportWriter writer, RunReport report)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        writer.Write(report, text);
        return text.ToString();
    }
}
