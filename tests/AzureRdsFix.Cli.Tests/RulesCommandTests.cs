using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Cli.Tests;

public sealed class RulesCommandTests
{
    [Fact]
    public async Task Rules_ListsEveryRuleWithItsHelpPage()
    {
        var result = await CliRunner.RunAsync(["rules"]);

        result.ExitCode.Should().Be(0);
        foreach (var rule in RuleCatalog.All)
        {
            result.StdOut.Should().Contain(rule.Metadata.Id).And.Contain(rule.Metadata.HelpPath);
        }
    }
}
