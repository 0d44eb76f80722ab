using System.Text;

namespace AzureRdsFix.Core.Reporting;

/// <summary>report.csv: one row per VM, RFC 4180 (comma, CRLF, fields with comma/quote/line break quoted, quotes doubled).</summary>
public sealed class CsvReportWriter : IReportWriter
{
    private static readonly string[] Header =
        ["name", "subscriptionId", "resourceGroup", "location", "outcome", "mainRule", "reason", "snapshotId", "changes", "channel", "durationMs", "error"];

    private TextWriter _writer = TextWriter.Null;

    public string Format => "csv";

    public string FileName => "report.csv";

    public void Begin(RunReport run, TextWriter writer)
    {
        _writer = writer;
        WriteRow(writer, Header);
    }

    public void WriteVm(VmReport vm) => WriteRow(_writer,
    [
        vm.Name,
        vm.SubscriptionId,
        vm.ResourceGroup,
        vm.Location,
        vm.Outcome.ToString(),
        ReportFacts.MainRule(vm),
        vm.Reason,
        vm.Snapshot?.Id,
        ReportFacts.Changes(vm),
        vm.Channel,
        ReportFacts.Number(vm.DurationMs),
        vm.Error,
    ]);

    public void End()
    {
    }

    private static void WriteRow(TextWriter writer, IEnumerable<string?> fields)
    {
        writer.Write(string.Join(",", fields.Select(Quote)));
        writer.Write("\r\n");
    }

    private static string Quote(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return string.Empty;
        }

        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return field;
        }

        return new StringBuilder(field.Length + 2).Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }
}
