using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Reporting;

public sealed class WriterTests
{
    private static readonly RunReport Sample = SampleReport.Create();

    [Fact]
    public void JUnit_SampleReport_ValidAgainstJUnitSchema()
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(Repo.TestsDirectory, "Schemas", "junit.xsd"));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message}");

        using (var reader = XmlReader.Create(new StringReader(new JUnitReportWriter().Render(Sample)), settings))
        {
            while (reader.Read())
            {
            }
        }

        errors.Should().BeEmpty();
    }

    [Fact]
    public void JUnit_SampleReport_SuitePerSubscriptionAndOutcomeMapping()
    {
        var root = XDocument.Parse(new JUnitReportWriter().Render(Sample)).Root!;
        string? Kind(string vm) => root.Descendants("testcase").Single(c => (string?)c.Attribute("name") == vm)
            .Elements().FirstOrDefault(e => e.Name != "system-out")?.Name.LocalName;

        root.Elements("testsuite").Select(s => (string?)s.Attribute("name")).Should().Equal(
            $"subscription {SampleReport.SubscriptionA}", $"subscription {SampleReport.SubscriptionB}", "scope errors");
        ((int)root.Attribute("tests")!).Should().Be(10);
        ((int)root.Attribute("failures")!).Should().Be(4, "--fail-on attention (the default) counts NeedsAttention, Unreachable, WouldFix and FixedPendingRestart");
        ((int)root.Attribute("errors")!).Should().Be(2);
        Kind("rdsh-gpo").Should().Be("failure");
        Kind("rdsh-old").Should().Be("error");
        Kind("web-01").Should().Be("skipped");
        Kind("rdsh-stopped").Should().Be("failure");
        Kind("rdsh-03").Should().Be("failure");
        Kind("rdsh-04").Should().Be("failure");
        Kind("rdsh-01").Should().BeNull();
        Kind("rdsh-rolled").Should().BeNull();
    }

    [Fact]
    public void JUnit_FailOnFailed_OnlyFailedAndScopeErrorsFail()
    {
        var root = XDocument.Parse(new JUnitReportWriter().Render(Sample with { FailOn = FailOn.Failed })).Root!;
        string? Kind(string vm) => root.Descendants("testcase").Single(c => (string?)c.Attribute("name") == vm)
            .Elements().FirstOrDefault(e => e.Name != "system-out")?.Name.LocalName;

        ((int)root.Attribute("failures")!).Should().Be(0);
        ((int)root.Attribute("errors")!).Should().Be(2);
        Kind("rdsh-old").Should().Be("error");
        Kind("rdsh-gpo").Should().Be("skipped");
        Kind("rdsh-stopped").Should().Be("skipped");
    }

    [Fact]
    public void JUnit_ControlCharactersInError_StillWellFormed()
    {
        var report = Sample with { Vms = [Sample.Vms[7] with { Error = "guest said \u0001\u001b[31mno\u0000" }], ScopeErrors = [] };

        var root = XDocument.Parse(new JUnitReportWriter().Render(report)).Root!;

        root.Descendants("error").Single().Attribute("message")!.Value.Should().Be("guest said ??[31mno?");
    }

    [Fact]
    public void Csv_SampleReport_OneRowPerVmWithRfc4180Quoting()
    {
        var csv = new CsvReportWriter().Render(Sample);
        var rows = ParseCsv(csv);

        rows[0].Should().Equal("name", "subscriptionId", "resourceGroup", "location", "outcome", "mainRule", "reason",
            "snapshotId", "changes", "channel", "durationMs", "error");
        rows.Should().HaveCount(1 + Sample.Vms.Count);
        rows.Skip(1).Should().OnlyContain(r => r.Count == 12);
        var failed = rows.Single(r => r[0] == "rdsh-old");
        failed[11].Should().Be(Sample.Vms.Single(vm => vm.Name == "rdsh-old").Error);
        failed[5].Should().Be("RDS001");
        rows.Single(r => r[0] == "rdsh-01")[8].Should().Be("LicensingMode: 5 -> 4; SpecifiedLicenseServers: (none) -> ls01.contoso.com");
        csv.Should().EndWith("\r\n");
    }

    [Fact]
    public void Markdown_SampleReport_CountsListedVmsAndEscapedPipes()
    {
        var markdown = new MarkdownReportWriter().Render(Sample);

        markdown.Should().Contain("| NeedsAttention | 1 |").And.Contain("| **Total** | **9** |");
        markdown.Should().NotContain("| Healthy | rdsh-02").And.Contain("2 Healthy or NotApplicable VM(s) are not listed");
        markdown.Should().Contain("\\| see journal.");
        markdown.Split('\n').Where(l => l.StartsWith("| rdsh-", StringComparison.Ordinal))
            .Should().OnlyContain(l => l.Split(" | ").Length == 6, "escaped pipes keep six cells per row");
    }

    [Fact]
    public void Markdown_AllHealthy_SaysEveryVmListedOrOmitted()
    {
        var report = Sample with { Vms = [Sample.Vms[1]], ScopeErrors = [] };

        var markdown = new MarkdownReportWriter().Render(report);

        markdown.Should().Contain("| Healthy | 1 |").And.Contain("1 Healthy or NotApplicable VM(s) are not listed").And.NotContain("## Scopes");
    }

    [Fact]
    public void AllWriters_EmptyReport_Render()
    {
        var report = Sample with { Vms = [], ScopeErrors = [] };

        foreach (var writer in ReportWriters.All)
        {
            writer.Render(report).Should().NotBeNullOrWhiteSpace(writer.Format);
        }

        ReportJson.Read(ReportJson.Write(report)).Summary.Total.Should().Be(0);
        new JUnitReportWriter().Render(report).Should().Contain("tests=\"0\"");
    }

    /// <summary>A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                c.Should().NotBe('\n', "a bare LF outside quotes is not RFC 4180");
                field.Append(c);
            }
        }

        return rows;
    }
}
