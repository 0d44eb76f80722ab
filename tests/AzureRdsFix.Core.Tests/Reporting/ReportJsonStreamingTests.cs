using System.Text;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Reporting;

public sealed class ReportJsonStreamingTests
{
    [Fact]
    public void Write_ToAUtf8File_IsByteForByteWhatAStringGets()
    {
        var report = SampleReport.Create();
        var path = Path.Combine(Path.GetTempPath(), $"azrdsfix-report-{Guid.NewGuid():N}.json");
        try
        {
            using (var file = new StreamWriter(path, append: false, new UTF8Encoding(false)))
            {
                ReportJson.Write(report, file);
            }

            File.ReadAllText(path).Should().Be(ReportJson.Write(report));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
