using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Diagnosis;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
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
        { "grace-expiring", VmOutcome.NeedsAttention, ["RDS002", "RDS003", "RDS004", "RDS010"] },
        { "healthy", VmOutcome.Healthy, [] },
        { "empty-eventlog", VmOutcome.Healthy, [] },
        { "gpo-managed", VmOutcome.NeedsAttention, ["RDS001", "RDS005", "RDS006", "RDS010"] },
        { "no-rdsh", VmOutcome.NotApplicable, [] },
        { "client-os", VmOutcome.NotApplicable, [] },
        { "server-unreachable", VmOutcome.NeedsAttention, ["RDS001", "RDS005", "RDS010"] },
        { "licensing-role-unused", VmOutcome.NeedsAttention, ["RDS008"] },
        { "no-cim-class", VmOutcome.NeedsAttention, ["RDS001", "RDS003", "RDS004", "RDS010"] },
        { "many-servers", VmOutcome.NeedsAttention, ["RDS005", "RDS010"] },
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
    public void Fixtures_EveryGuestFixture_HasAnExpectation()
    {
        var covered = Cases.Select(row => (string)row[0]).ToHashSet();
        var files = Directory.GetFiles(FixtureDirectory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != "remediate-cases");

        files.Should().BeSubsetOf(covered, "every guest fixture should have a diagnosis expectation here");
    }

    private static ProbeFacts Load(string fixture)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, fixture + ".json")))!;
        return node["expectedProbe"].Deserialize<ProbeFacts>()!;
    }
}
