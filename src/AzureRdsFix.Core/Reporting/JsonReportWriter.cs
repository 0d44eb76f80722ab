namespace AzureRdsFix.Core.Reporting;

/// <summary>report.json, schemaVersion 1 (DESIGN.md; JSON Schema in docs/report.schema.json).</summary>
public sealed class JsonReportWriter : IReportWriter
{
    public string Format => "json";

    public string FileName => "report.json";

    public void Write(RunReport report, TextWriter writer) => ReportJson.Write(report, writer);
}
