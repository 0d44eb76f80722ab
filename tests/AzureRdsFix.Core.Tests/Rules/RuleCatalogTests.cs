using System.Text.RegularExpressions;
using AzureRdsFix.Core.Rules;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Rules;

/// <summary>Lints the rule catalogue itself (PSRule-style): ids, metadata and help pages stay complete and in step.</summary>
public sealed partial class RuleCatalogTests
{
    public static TheoryData<string> RuleIds => [.. RuleCatalog.All.Select(r => r.Metadata.Id)];

    [Fact]
    public void All_Ids_UniqueWellFormedAndOrdered()
    {
        var ids = RuleCatalog.All.Select(r => r.Metadata.Id).ToList();

        ids.Should().OnlyHaveUniqueItems();
        ids.Should().OnlyContain(id => RuleId().IsMatch(id));
        ids.Should().BeInAscendingOrder(StringComparer.Ordinal);
        RuleCatalog.All.Select(r => r.Metadata.Name).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Metadata_EveryField_Filled(string id)
    {
        var rule = RuleCatalog.Find(id)!;
        var m = rule.Metadata;

        rule.GetType().IsSealed.Should().BeTrue();
        m.Name.Should().MatchRegex("^[A-Z][A-Za-z0-9]+$");
        m.Title.Should().NotBeNullOrWhiteSpace();
        m.Synopsis.Should().NotBeNullOrWhiteSpace().And.EndWith(".");
        m.Recommendation.Should().NotBeNullOrWhiteSpace().And.EndWith(".");
        m.FixableBy.Should().NotBeNullOrWhiteSpace();
        m.HelpPath.Should().Be($"docs/rules/{id}.md");
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void HelpPage_Exists_NamesIdTitleAndSeverity(string id)
    {
        var m = RuleCatalog.Find(id)!.Metadata;
        var path = Repo.File(m.HelpPath.Split('/'));

        File.Exists(path).Should().BeTrue($"{m.HelpPath} is the help page of {id}");
        var page = File.ReadAllText(path);
        page.Should().StartWith($"# {id}: {m.Title}\n");
        page.Should().Contain($"| {m.Name} | {m.Severity} |");
        page.Should().Contain("## How it is detected").And.Contain("## What `fix` does").And.Contain("## How to fix it by hand");
    }

    [Fact]
    public void HelpPages_NoPageWithoutRule()
    {
        var pages = Directory.GetFiles(Repo.File("docs", "rules"), "*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != "README");

        pages.Should().BeEquivalentTo(RuleCatalog.All.Select(r => r.Metadata.Id));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Findings_CarryRuleMetadata(string id)
    {
        var rule = RuleCatalog.Find(id)!;
        var probes = new[]
        {
            Probes.Healthy(), Probes.LockedOut(), Probes.GraceExpiring(), Probes.GpoManaged(), Probes.ServerUnreachable(),
            Probes.NoRdsh(), Probes.LicensingRoleUnused(), Probes.LowerVersion(),
        };

        var findings = probes.SelectMany(p => rule.Evaluate(p, RuleContext.Default)).ToList();

        findings.Should().NotBeEmpty($"some sample probe should trigger {id}");
        findings.Should().OnlyContain(f => f.RuleId == id && f.Severity == rule.Metadata.Severity && f.Title == rule.Metadata.Title);
    }

    [Fact]
    public void Find_IdCaseInsensitive_UnknownNull()
    {
        RuleCatalog.Find("rds001")!.Metadata.Name.Should().Be("LicensingLockout");
        RuleCatalog.Find("RDS009").Should().BeNull();
    }

    [GeneratedRegex(@"^RDS\d{3}$")]
    private static partial Regex RuleId();
}
