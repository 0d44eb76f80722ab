using System.Xml.Linq;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Tests;

/// <summary>report.junit.xml and the exit code read one --fail-on: what the exit code counts is a failing test case, and nothing it counts is skipped.</summary>
public sealed class FailOnJUnitTests
{
    [Theory]
    [InlineData("attention")]
    [InlineData("failed")]
    [InlineData("never")]
    public async Task ScanThenReport_JUnitFailingCases_AreExactlyWhatFailOnCounts(string failOn)
    {
        await using var sim = await SimulatorSession.StartAsync();
        var scan = await sim.RunAsync("scan", "--out", sim.Out("scan"), "--format", "junit", "--fail-on", failOn);
        var merged = await CliRunner.RunAsync(["report", "--journal", Path.Combine(sim.Out("scan"), "journal.jsonl"), "--out", sim.Out("report"), "--format", "junit", "--fail-on", failOn], workingDirectory: sim.Dir.Path);

        var level = Enum.Parse<FailOn>(failOn, ignoreCase: true);
        foreach (var (result, outDir) in new[] { (scan, sim.Out("scan")), (merged, sim.Out("report")) })
        {
            var report = SimulatorSession.ReadReport(outDir);
            var counted = report.Vms.Where(v => level.Counts(v.Outcome)).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            var junit = XDocument.Load(Path.Combine(outDir, "report.junit.xml"));
            var cases = junit.Descendants("testcase").Where(c => (string?)c.Attribute("classname") != "scope").ToArray();
            var failing = cases.Where(c => c.Element("failure") is not null || c.Element("error") is not null).Select(c => (string)c.Attribute("name")!).ToArray();

            failing.Should().BeEquivalentTo(counted, $"--fail-on {failOn}: the failing test cases are the VMs the exit code counts");
            cases.Where(c => c.Element("skipped") is not null).Select(c => (string)c.Attribute("name")!).Should().NotIntersectWith(counted);
            var scopeCases = junit.Descendants("testcase").Where(c => (string?)c.Attribute("classname") == "scope").ToArray();
            scopeCases.Should().HaveCount(report.ScopeErrors.Count);
            scopeCases.Select(c => c.Element("error") != null).Should().OnlyContain(e => e == level.CountsScopeErrors());
            var anyFailing = failing.Length > 0 || (report.ScopeErrors.Count > 0 && level.CountsScopeErrors());
            result.ExitCode.Should().Be(anyFailing ? 1 : 0, result.StdErr);
        }

        if (level == FailOn.Attention)
        {
            var junit = XDocument.Load(Path.Combine(sim.Out("report"), "report.junit.xml"));
            junit.Descendants("testcase").Single(c => (string?)c.Attribute("name") == "rdsh-dev-01").Element("failure")
                .Should().NotBeNull("an Unreachable VM counts for --fail-on attention, so it fails the test run as it fails the exit code");
        }
    }
}
