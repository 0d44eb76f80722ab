using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Reporting;

public sealed class ReportJsonTests
{
    [Fact]
    public void Read_WrittenReport_RoundTripsToSameJson()
    {
        var json = ReportJson.Write(SampleReport.Create());

        ReportJson.Write(ReportJson.Read(json)).Should().Be(json);
    }

    [Fact]
    public void Read_WrittenReport_KeepsValues()
    {
        var report = ReportJson.Read(ReportJson.Write(SampleReport.Create()));

        report.Vms.Should().HaveCount(9);
        report.Summary.ByOutcome["Fixed"].Should().Be(1);
        var fixedVm = report.Vms[0];
        fixedVm.Outcome.Should().Be(VmOutcome.Fixed);
        fixedVm.Snapshot!.State.Should().Be("Succeeded");
        fixedVm.Changes.Should().Contain(new SettingChange("SpecifiedLicenseServers", null, "ls01.contoso.com"));
        fixedVm.Findings[0].Evidence["graceDays"]!.GetValue<int>().Should().Be(0);
        report.Vms.Single(vm => vm.Name == "rdsh-stopped").Channel.Should().BeNull();
        report.ScopeErrors.Should().ContainSingle();
        report.StartedAt.Should().Be(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Write_Shape_CamelCaseStringsAndNulls()
    {
        var root = JsonNode.Parse(ReportJson.Write(SampleReport.Create()))!;
        var stopped = root["vms"]!.AsArray().Single(vm => vm!["name"]!.GetValue<string>() == "rdsh-stopped")!;

        root["schemaVersion"]!.GetValue<int>().Should().Be(1);
        root["summary"]!["total"]!.GetValue<int>().Should().Be(9);
        root["summary"]!["byOutcome"]!.AsObject().Select(p => p.Key).Should().Equal(Enum.GetNames<VmOutcome>());
        stopped["outcome"]!.GetValue<string>().Should().Be("Unreachable");
        stopped.AsObject().ContainsKey("snapshot").Should().BeTrue();
        stopped["snapshot"].Should().BeNull();
        stopped["error"].Should().BeNull();
        root["vms"]![0]!["findings"]![0]!["severity"]!.GetValue<string>().Should().Be("Error");
    }

    [Fact]
    public void FromNode_ToNodeOfEveryVm_SameEntry()
    {
        foreach (var vm in SampleReport.Create().Vms)
        {
            var node = ReportJson.ToNode(vm);
            var back = ReportJson.FromNode(JsonNode.Parse(node.ToJsonString())!);

            ReportJson.ToNode(back).ToJsonString().Should().Be(node.ToJsonString());
            back.Outcome.Should().Be(vm.Outcome);
        }
    }

    [Fact]
    public void Read_UnknownOutcome_ThrowsNamingIt()
    {
        var node = JsonNode.Parse(ReportJson.Write(SampleReport.Create()))!;
        node["vms"]![0]!["outcome"] = "Sunny";

        var read = () => ReportJson.Read(node.ToJsonString());

        read.Should().Throw<JsonException>().WithMessage("*'outcome' value 'Sunny'*");
    }

    [Fact]
    public void Read_OtherSchemaVersion_Throws()
    {
        var read = () => ReportJson.Read("""{"schemaVersion":2}""");

        read.Should().Throw<JsonException>().WithMessage("*schemaVersion 2*");
    }
}
