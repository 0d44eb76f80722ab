using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using Json.Schema;

namespace AzureRdsFix.Cli.Tests;

/// <summary>`scan` end to end: the real CLI, the real Azure SDK, the simulated Azure over HTTPS.</summary>
public sealed class ScanCommandTests
{
    private static readonly Dictionary<string, VmOutcome> DemoOutcomes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rdsh-prod-01"] = VmOutcome.NeedsAttention,
        ["rdsh-prod-02"] = VmOutcome.NeedsAttention,
        ["rdsh-prod-03"] = VmOutcome.Healthy,
        ["rdsh-prod-04"] = VmOutcome.NeedsAttention,
        ["rdsh-prod-05"] = VmOutcome.NeedsAttention,
        ["web-prod-01"] = VmOutcome.NotApplicable,
        ["lic-prod-01"] = VmOutcome.NeedsAttention,
        ["linux-prod-01"] = VmOutcome.NotApplicable,
        ["rdsh-dev-01"] = VmOutcome.Unreachable,
        ["rdsh-dev-02"] = VmOutcome.Unreachable,
        ["rdsh-dev-03"] = VmOutcome.NeedsAttention,
        ["rdsh-dev-04"] = VmOutcome.Failed,
        ["rdsh-dev-05"] = VmOutcome.NeedsAttention,
    };

    [Fact]
    public async Task Scan_DemoFleet_ReportsEveryVisibleVmOnceWithItsOutcome()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("scan", "--out", sim.Out("scan"));

        result.ExitCode.Should().Be(1, "VMs need attention; stderr: " + result.StdErr);
        var report = SimulatorSession.ReadReport(sim.Out("scan"));
        report.Vms.Select(v => v.Id).Should().OnlyHaveUniqueItems(StringComparer.OrdinalIgnoreCase.ToString());
        report.Vms.ToDictionary(v => v.Name, v => v.Outcome).Should().BeEquivalentTo(DemoOutcomes);
        report.Vms.Single(v => v.Name == "rdsh-prod-01").Findings.Select(f => f.RuleId).Should().Contain(["RDS001", "RDS003", "RDS004", "RDS010"]);
        report.Vms.Single(v => v.Name == "rdsh-prod-04").Findings.Select(f => f.RuleId).Should().Contain(["RDS005", "RDS006"]);
        report.Vms.Single(v => v.Name == "rdsh-dev-04").Reason.Should().Contain("cut");
        report.ScopeErrors.Should().HaveCount(2);
        report.ScopeErrors.Should().ContainSingle(e => e.Message.Contains("403", StringComparison.Ordinal));
        report.ScopeErrors.Should().ContainSingle(e => e.Message.Contains("is Disabled", StringComparison.Ordinal) && e.Message.Contains("skipped", StringComparison.Ordinal));
        report.Vms.Should().NotContain(v => v.Name == "rdsh-old-01", "the Disabled subscription is not scanned, and the skip is reported");
        result.StdOut.Should().Contain("scan: 13 VM(s): 1 Healthy, 7 NeedsAttention, 2 NotApplicable, 2 Unreachable, 1 Failed; 2 scope(s) could not be read.");
        sim.Azure.Fleet.Vms.Where(v => v.Guest is not null).Should().OnlyContain(v => v.Guest!.LicensingChangedSinceRestart == false, "scan changes nothing");
    }

    [Fact]
    public async Task Scan_ReportJson_IsValidAgainstTheSchema()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("scan", "--out", sim.Out("scan"));

        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "docs", "report.schema.json")));
        using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(sim.Out("scan"), "report.json")));
        var evaluation = schema.Evaluate(report.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        evaluation.IsValid.Should().BeTrue(string.Join("; ", (evaluation.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public async Task Scan_WithFormats_WritesEachReportAndTheJournal()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("scan", "--out", sim.Out("scan"), "--format", "csv", "--format", "junit", "--quiet");

        foreach (var file in new[] { "report.json", "report.md", "report.csv", "report.junit.xml", "journal.jsonl" })
        {
            File.Exists(Path.Combine(sim.Out("scan"), file)).Should().BeTrue(file);
        }

        var csv = await File.ReadAllLinesAsync(Path.Combine(sim.Out("scan"), "report.csv"));
        csv.Should().HaveCount(14, "a header and one row per VM");
    }

    [Fact]
    public async Task Scan_Quiet_PrintsOnlyTheSummaryLine()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("scan", "--out", sim.Out("scan"), "--quiet", "--fail-on", "never");

        result.ExitCode.Should().Be(0, "--fail-on never");
        result.StdOut.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("scan: 13 VM(s)");
    }

    [Fact]
    public async Task Scan_Shards_PartitionTheFleetWithoutOverlap()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("scan", "--out", sim.Out("s1"), "--shard", "1/2", "--quiet");
        await sim.RunAsync("scan", "--out", sim.Out("s2"), "--shard", "2/2", "--quiet");

        var first = SimulatorSession.ReadReport(sim.Out("s1")).Vms.Select(v => v.Name).ToArray();
        var second = SimulatorSession.ReadReport(sim.Out("s2")).Vms.Select(v => v.Name).ToArray();
        first.Should().NotIntersectWith(second);
        first.Concat(second).Should().BeEquivalentTo(DemoOutcomes.Keys);
    }

    [Fact]
    public async Task Scan_ScopedByResourceGroupTagAndVm_TakesOnlyThose()
    {
        await using var sim = await SimulatorSession.StartAsync();
        await sim.RunAsync("scan", "--out", sim.Out("rg"), "--resource-group", "rg-rdsh-dev", "--quiet");
        await sim.RunAsync("scan", "--out", sim.Out("tag"), "--tag", "role=web", "--quiet");
        await sim.RunAsync("scan", "--out", sim.Out("vm"), "--vm", "rdsh-prod-03", "--quiet");

        SimulatorSession.ReadReport(sim.Out("rg")).Vms.Select(v => v.Name).Should().BeEquivalentTo(["rdsh-dev-01", "rdsh-dev-02", "rdsh-dev-03", "rdsh-dev-04", "rdsh-dev-05"]);
        SimulatorSession.ReadReport(sim.Out("tag")).Vms.Select(v => v.Name).Should().BeEquivalentTo(["web-prod-01", "linux-prod-01"]);
        SimulatorSession.ReadReport(sim.Out("vm")).Vms.Should().ContainSingle().Which.Outcome.Should().Be(VmOutcome.Healthy);
    }

    [Fact]
    public async Task Scan_UnknownSubscription_IsReportedAndTheRunStaysWhole()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("scan", "--out", sim.Out("scan"), "--subscription", "11111111-2222-3333-4444-555555555555", "--subscription", "0b1f6471-1bf0-4dda-aec3-cb9272f09590");

        result.ExitCode.Should().Be(1);
        var report = SimulatorSession.ReadReport(sim.Out("scan"));
        report.ScopeErrors.Should().ContainSingle().Which.Message.Should().Contain("11111111-2222-3333-4444-555555555555");
        report.Vms.Should().HaveCount(8, "the production subscription is still scanned");
    }

    [Fact]
    public async Task Scan_InAzurePipelines_LogsAnIssuePerVmAndUploadsTheSummary()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync(["scan", "--out", sim.Out("scan")], new Dictionary<string, string?> { ["TF_BUILD"] = "True" });

        var issues = result.StdOut.Split('\n').Where(l => l.StartsWith("##vso[task.logissue", StringComparison.Ordinal)).ToArray();
        issues.Should().HaveCount(7 + 2 + 1 + 2, "NeedsAttention, Unreachable and Failed VMs, the forbidden subscription and the skipped Disabled one");
        issues.Should().Contain(l => l.StartsWith("##vso[task.logissue type=error;]rdsh-dev-04", StringComparison.Ordinal));
        result.StdOut.Should().Contain($"##vso[task.uploadsummary]{Path.Combine(sim.Out("scan"), "report.md")}");
    }

    [Fact]
    public async Task Scan_Token_IsNeverWrittenAnywhere()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("scan", "--out", sim.Out("scan"), "--format", "csv", "--format", "junit", "--format", "markdown");

        result.StdOut.Should().NotContain(SimulatorSession.Token);
        result.StdErr.Should().NotContain(SimulatorSession.Token);
        foreach (var file in Directory.GetFiles(sim.Out("scan")))
        {
            (await File.ReadAllTextAsync(file)).Should().NotContain(SimulatorSession.Token, file);
        }
    }
}

public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "AzureRdsFix.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (AzureRdsFix.sln) was not found above the test binaries.");
    }
}
