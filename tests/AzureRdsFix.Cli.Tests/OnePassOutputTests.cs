using System.Collections.Concurrent;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// Every end-of-run output — report.json, report.md, csv, junit, the table, the summary line, the exit code and the
/// ##vso lines — comes from one pass over the journal's fold: each VM's report line is read back once, whatever the
/// number of outputs.
/// </summary>
public sealed class OnePassOutputTests
{
    [Fact]
    public async Task ScanThenReport_EveryOutputOn_EachVmReadFromTheJournalOnce()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var environment = new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token, ["TF_BUILD"] = "True" };
        string[] outputs = ["--format", "csv", "--format", "junit", "--format", "markdown"];

        var scanReads = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var scan = await CliRunner.RunAsync(
            ["scan", "--out", sim.Out("scan"), .. outputs, .. sim.Connection], environment, sim.Azure.Certificate, sim.Dir.Path,
            configure: s => s with { ReportLineRead = vm => scanReads.AddOrUpdate(vm.Id, 1, (_, n) => n + 1) });

        var reportReads = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var merged = await CliRunner.RunAsync(
            ["report", "--journal", Path.Combine(sim.Out("scan"), "journal.jsonl"), "--out", sim.Out("report"), .. outputs], environment, workingDirectory: sim.Dir.Path,
            configure: s => s with { ReportLineRead = vm => reportReads.AddOrUpdate(vm.Id, 1, (_, n) => n + 1) });

        foreach (var (result, reads, outDir) in new[] { (scan, scanReads, sim.Out("scan")), (merged, reportReads, sim.Out("report")) })
        {
            result.ExitCode.Should().Be(1, result.StdErr);
            var report = SimulatorSession.ReadReport(outDir);
            reads.Keys.Should().BeEquivalentTo(report.Vms.Select(v => v.Id), "every VM reaches the outputs");
            reads.Values.Should().OnlyContain(n => n == 1, "one pass feeds every output");
            foreach (var file in new[] { "report.json", "report.md", "report.csv", "report.junit.xml" })
            {
                File.Exists(Path.Combine(outDir, file)).Should().BeTrue(file);
            }

            result.StdOut.Should().Contain("##vso[task.logissue type=warning;]rdsh-prod-01").And.Contain("##vso[task.uploadsummary]").And.Contain("│ rdsh-prod-01");
        }

        File.ReadAllText(Path.Combine(sim.Out("report"), "report.csv")).Should().Be(File.ReadAllText(Path.Combine(sim.Out("scan"), "report.csv")), "re-rendering a journal gives the same report");
    }
}
