using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Tests.Support;
using Json.Schema;

namespace AzureRdsFix.Core.Tests.Reporting;

/// <summary>docs/report.schema.json is a valid draft 2020-12 schema and report.json output satisfies it.</summary>
public sealed class ReportSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    private static string SchemaPath => Repo.File("docs", "report.schema.json");

    [Fact]
    public void Schema_Parses_Draft202012()
    {
        var node = JsonNode.Parse(File.ReadAllText(SchemaPath))!;

        node["$schema"]!.GetValue<string>().Should().Be("https://json-schema.org/draft/2020-12/schema");
        Schema.Value.Should().NotBeNull();
    }

    [Fact]
    public void Evaluate_SampleReport_Valid() => Errors(ReportJson.Write(SampleReport.Create())).Should().BeEmpty();

    [Fact]
    public void Evaluate_ExpectedReportJson_Valid() =>
        Errors(File.ReadAllText(BaselineTests.ExpectedPath("report.json"))).Should().BeEmpty();

    [Fact]
    public void Evaluate_UnknownOutcome_Invalid()
    {
        var node = JsonNode.Parse(ReportJson.Write(SampleReport.Create()))!;
        node["vms"]![0]!["outcome"] = "Sunny";

        Errors(node.ToJsonString()).Should().NotBeEmpty();
    }

    private static List<string> Errors(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }
}
