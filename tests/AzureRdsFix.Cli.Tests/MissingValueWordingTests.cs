namespace AzureRdsFix.Cli.Tests;

/// <summary>One word for a missing value, "(none)", in reasons, the table and every report file; a bad choice is one sentence.</summary>
public sealed class MissingValueWordingTests
{
    private static readonly string[] OtherWords = ["(absent)", "<none>", "<absent>", "n/a", "N/A", "(null)", "(unset)"];

    [Fact]
    public async Task Plan_SettingWithNoValue_IsShownAsNoneEverywhere()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("plan", "--license-server", "ls01.contoso.com", "--out", sim.Out("plan"), "--format", "csv", "--format", "junit", "--format", "markdown");

        var report = SimulatorSession.ReadReport(sim.Out("plan"));
        report.Vms.Single(v => v.Name == "rdsh-prod-01").Reason.Should().Contain("SpecifiedLicenseServers (none) -> ls01.contoso.com");
        var texts = Directory.GetFiles(sim.Out("plan"), "report.*").Select(f => (f, File.ReadAllText(f))).Append(("stdout", result.StdOut));
        foreach (var (name, text) in texts)
        {
            foreach (var word in OtherWords)
            {
                text.Should().NotContain(word, $"{name} says a missing value as (none)");
            }
        }

        File.ReadAllText(Path.Combine(sim.Out("plan"), "report.csv")).Should().Contain("SpecifiedLicenseServers: (none) -> ls01.contoso.com");
        File.ReadAllText(Path.Combine(sim.Out("plan"), "report.md")).Should().Contain("change `SpecifiedLicenseServers`: (none) → `ls01.contoso.com`");
    }

    [Theory]
    [InlineData("scan", "--fail-on", "sometimes")]
    [InlineData("scan", "--format", "xml")]
    [InlineData("scan", "--channel", "ssh")]
    [InlineData("scan", "--auth", "password")]
    [InlineData("scan", "--cloud", "Moon")]
    [InlineData("plan", "--licensing-mode", "PerSeat")]
    [InlineData("plan", "--restart", "always")]
    public async Task Command_BadChoice_OneSentenceNamingOptionAndChoices(string command, string option, string value)
    {
        var result = await CliRunner.RunAsync([command, option, value, "--arm-endpoint", "https://127.0.0.1:1/"], new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = "t" });

        result.ExitCode.Should().Be(2, result.StdErr);
        var line = result.StdErr.Trim().Split('\n').Should().ContainSingle(result.StdErr).Which;
        line.Should().StartWith("azrdsfix: ").And.Contain(option).And.Contain(value).And.EndWith(".");
        line.TrimEnd('.').Should().NotContain(". ", "one sentence");
    }
}
