using System.Globalization;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Reporting;

/// <summary>
/// Each report writer renders <see cref="SampleReport"/> and is compared with its checked-in file in Expected/.
/// To refresh the expected files after an intended change, run once with AZRDSFIX_UPDATE_BASELINES=1:
/// <c>AZRDSFIX_UPDATE_BASELINES=1 dotnet test tests/AzureRdsFix.Core.Tests</c>, then review the diff before committing.
/// </summary>
public sealed class BaselineTests
{
    public const string UpdateVariable = "AZRDSFIX_UPDATE_BASELINES";

    public static TheoryData<string> Formats => [.. ReportWriters.Formats];

    public static string ExpectedPath(string fileName) => Path.Combine(Repo.TestsDirectory, "Expected", fileName);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_SampleReport_MatchesExpectedFile(string format)
    {
        var writer = ReportWriters.For(format)!;
        var actual = writer.Render(SampleReport.Create());
        var path = ExpectedPath(writer.FileName);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
        }

        File.Exists(path).Should().BeTrue($"{path} is the expected file; create it with {UpdateVariable}=1");
        actual.Should().Be(File.ReadAllText(path), $"the {format} output changed; if intended, refresh with {UpdateVariable}=1 and review the diff");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_UnderCommaDecimalCulture_SameOutput(string format)
    {
        var writer = ReportWriters.For(format)!;
        var expected = writer.Render(SampleReport.Create());
        var original = CultureInfo.CurrentCulture;
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NegativeSign = "~";
        culture.DateTimeFormat.DateSeparator = ".";
        try
        {
            CultureInfo.CurrentCulture = culture;
            writer.Render(SampleReport.Create()).Should().Be(expected);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void For_KnownAndUnknownFormats_WriterOrNull()
    {
        ReportWriters.For("JSON")!.FileName.Should().Be("report.json");
        ReportWriters.For("csv")!.FileName.Should().Be("report.csv");
        ReportWriters.For("junit")!.FileName.Should().Be("report.junit.xml");
        ReportWriters.For("markdown")!.FileName.Should().Be("report.md");
        ReportWriters.For("xml").Should().BeNull();
        ReportWriters.Formats.Should().Equal("json", "csv", "junit", "markdown");
    }
}
