using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Diagnosis;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Rules;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Rules;

/// <summary>The shared guest fixtures (src/AzureRdsFix.Guest/Fixtures): their expectedProbe, diagnosed, gives the expected verdict.</summary>
public sealed class FixtureTests
{
    private static readonly string FixtureDirectory = Repo.File("src", "AzureRdsFix.Guest", "Fixtures");

    public static TheoryData<string, VmOutcome, string[]> Cases => new()
    {
        { "locked-out", VmOutcome.NeedsAttention, ["RDS001", "RDS003", "RDS004", "RDS010"] },
        // Only 50282 is logged there, which no Microsoft source names: not counted, so no RDS010.
        { "grace-expiring", VmOutcome.NeedsAttention, ["RDS002", "RDS003", "RDS004"] },
        { "healthy", VmOutcome.Healthy, [] },
        { "empty-eventlog", VmOutcome.Healthy, [] },
        { "gpo-managed", VmOutcome.NeedsAttention, ["RDS001", "RDS005", "RDS006"] },
        { "no-rdsh", VmOutcome.NotApplicable, [] },
        { "client-os", VmOutcome.NotApplicable, [] },
        { "server-unreachable", VmOutcome.NeedsAttention, ["RDS001", "RDS005"] },
        { "licensing-role-unused", VmOutcome.NeedsAttention, ["RDS008"] },
        { "no-cim-class", VmOutcome.NeedsAttention, ["RDS001", "RDS003", "RDS004", "RDS010"] },
        { "many-servers", VmOutcome.NeedsAttention, ["RDS005", "RDS010"] },
        // GetTStoLSConnectivityStatus is asked per server by name: LOWER_VERSION for ls01 reaches RDS007.
        { "lower-version", VmOutcome.NeedsAttention, ["RDS007"] },
        // A failed GetGracePeriodDays (ReturnValue != 0) leaves the grace unknown: no RDS001 without lockout events.
        { "grace-call-failed", VmOutcome.NeedsAttention, ["RDS003", "RDS004"] },
        // TerminalServerMode 1 shows RDSH when the component cache and Get-WindowsFeature cannot.
        { "busy-servicing", VmOutcome.NeedsAttention, ["RDS001", "RDS003", "RDS004", "RDS010"] },
        // ls_old does not resolve (RDS005); fix refuses to change a REG_SZ list it could not put back (remediate-cases).
        { "servers-reg-sz", VmOutcome.NeedsAttention, ["RDS005"] },
        // A 32-bit host reads the role state through the 64-bit registry view: the same verdict as locked-out.
        { "wow64-host", VmOutcome.NeedsAttention, ["RDS001", "RDS003", "RDS004", "RDS010"] },
        // RD Licensing holds CALs: reported, but not fixable by removal (RDS008 without a fix).
        { "licensing-role-with-cals", VmOutcome.NeedsAttention, ["RDS008"] },
        // The RCM Admin log is unknown (null), not zero: nothing is inferred from it.
        { "no-rcm-log", VmOutcome.Healthy, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diagnose_FixtureProbe_ExpectedOutcomeAndFindings(string fixture, VmOutcome outcome, string[] ruleIds)
    {
        var diagnosis = Diagnoser.Diagnose(Load(fixture), RuleContext.Default);

        diagnosis.Outcome.Should().Be(outcome, diagnosis.Reason);
        diagnosis.Findings.Select(f => f.RuleId).Should().Equal(ruleIds);
        diagnosis.Reason.Should().EndWith(".").And.NotContain("\n");
    }

    [Fact]
    public void Diagnose_GpoManaged_ReasonSendsOperatorToGroupPolicy() =>
        Diagnoser.Diagnose(Load("gpo-managed"), RuleContext.Default).Reason.Should().Be(
            "RDP is refused: the grace period is over and license server oldls.contoso.com does not answer on TCP 135 (RDS001); "
            + "Group Policy sets the licensing mode (2) and servers (oldls.contoso.com), so fix it in Group Policy (RDS006).");

    [Fact]
    public void Diagnose_LicensingRoleWithCals_RemovalNotProposed() =>
        Diagnoser.Diagnose(Load("licensing-role-with-cals"), RuleContext.Default).Findings.Should().ContainSingle()
            .Which.FixableBy.Should().BeNull();

    [Fact]
    public void Fixtures_EveryGuestFixture_HasAnExpectation()
    {
        var covered = Cases.Select(row => (string)row[0]).ToHashSet();
        var files = Directory.GetFiles(FixtureDirectory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != "remediate-cases");

        files.Should().BeSubsetOf(covered, "every guest fixture should have a diagnosis expectation here");
    }

    public static TheoryData<string> ApplyCases =>
    [
        .. RemediateCases()
            .Where(c => c["parameters"]!["Operation"]!.GetValue<string>() == "Apply"
                && c["expectedOutput"]?["status"]?.GetValue<string>() is "Applied" or "NoChange"
                || c["expectedOutput"]?["blocked"]?.GetValue<string>() == "GroupPolicy")
            .Select(c => c["name"]!.GetValue<string>()),
    ];

    /// <summary>
    /// The planner and the remediation script agree: what `plan` says fix would change is what the script changes on
    /// the same guest with the same parameters (cases the script blocks for Group Policy: nothing on both sides).
    /// </summary>
    [Theory]
    [MemberData(nameof(ApplyCases))]
    public void Plan_RemediateCase_SameChangesAsScript(string name)
    {
        var testCase = RemediateCases().Single(c => c["name"]!.GetValue<string>() == name);
        var parameters = testCase["parameters"]!.AsObject();
        string? Parameter(string key) => parameters[key]?.GetValue<string>() is { Length: > 0 } value ? value : null;
        var request = new FixRequest(
            Parameter("LicenseServers")?.Split(',') ?? [],
            Parameter("LicensingMode") is { } mode ? int.Parse(mode, System.Globalization.CultureInfo.InvariantCulture) : null,
            Parameter("RemoveRdsh") == "true",
            Parameter("RemoveLicensingRole") == "true");
        var facts = Load(testCase["fixture"]!.GetValue<string>());

        var plan = Planner.Plan(facts, Diagnoser.Diagnose(facts, RuleContext.Default), request);

        var scriptChanges = testCase["expectedOutput"]!["changes"]!.AsArray()
            .Where(c => c!["changed"]!.GetValue<bool>())
            .Select(c => new SettingChange(c!["setting"]!.GetValue<string>(), c["before"]?.GetValue<string>(), c["after"]?.GetValue<string>()));
        plan.Changes.Should().Equal(scriptChanges, plan.Reason);
    }

    private static IEnumerable<JsonNode> RemediateCases() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "remediate-cases.json")))!.AsArray().Select(c => c!);

    private static ProbeFacts Load(string fixture)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, fixture + ".json")))!;
        return node["expectedProbe"].Deserialize<ProbeFacts>()!;
    }
}
