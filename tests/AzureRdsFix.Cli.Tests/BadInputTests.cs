namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// Bad input gets one clear sentence naming the input and what was expected, exit code 2, and no Azure call: the
/// endpoint given here is a closed port, so any call would show up as a connection failure (exit 3) instead.
/// </summary>
public sealed class BadInputTests
{
    private const string DeadEndpoint = "https://127.0.0.1:9/";

    [Theory]
    [InlineData(new[] { "scan", "--subscription", "not-a-guid" }, "--subscription 'not-a-guid'")]
    [InlineData(new[] { "scan", "--tag", "role" }, "--tag 'role'")]
    [InlineData(new[] { "scan", "--shard", "3/2" }, "--shard '3/2'")]
    [InlineData(new[] { "scan", "--shard", "0/4" }, "--shard '0/4'")]
    [InlineData(new[] { "scan", "--vm", "/subscriptions/x/resourceGroups/rg" }, "--vm '/subscriptions/x/resourceGroups/rg'")]
    [InlineData(new[] { "scan", "--step-timeout", "soon" }, "--step-timeout 'soon'")]
    [InlineData(new[] { "scan", "--max-parallel", "0" }, "--max-parallel 0")]
    [InlineData(new[] { "scan", "--format", "pdf" }, "--format 'pdf'")]
    [InlineData(new[] { "scan", "--channel", "serialconsole" }, "--channel serialconsole")]
    [InlineData(new[] { "plan", "--license-server", "ls01;rm -rf" }, "--license-server 'ls01;rm -rf'")]
    [InlineData(new[] { "plan", "--license-server", "-bad-.contoso.com" }, "--license-server '-bad-.contoso.com'")]
    [InlineData(new[] { "fix", "--license-server", "ls01", "--remove-rdsh", "--yes" }, "--remove-rdsh")]
    [InlineData(new[] { "fix", "--license-server", "ls01" }, "--yes")]
    public async Task Command_BadInput_ExitsTwoWithOneSentenceNamingIt(string[] args, string named)
    {
        var result = await CliRunner.RunAsync([.. args, "--arm-endpoint", DeadEndpoint, "--auth", "token"], Token());

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.Trim().Split('\n').Should().ContainSingle("one sentence, one line");
        result.StdErr.Should().Contain(named).And.StartWith("azrdsfix: ");
        result.StdOut.Should().BeEmpty("nothing ran");
    }

    [Fact]
    public async Task Scan_EndpointNotHttps_ExitsTwo()
    {
        var result = await CliRunner.RunAsync(["scan", "--arm-endpoint", "http://127.0.0.1:9/"]);

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("--arm-endpoint 'http://127.0.0.1:9/'").And.Contain("https");
    }

    [Fact]
    public async Task Scan_UnknownOption_ExitsTwoAndPointsToHelp()
    {
        var result = await CliRunner.RunAsync(["scan", "--subscriptions", "x"]);

        result.ExitCode.Should().Be(2);
        result.StdErr.Should().Contain("--subscriptions").And.Contain("azrdsfix scan --help");
    }

    [Fact]
    public async Task Scan_DeadEndpoint_ExitsThreeNamingTheEndpoint()
    {
        using var dir = new TempDir();
        var result = await CliRunner.RunAsync(["scan", "--arm-endpoint", DeadEndpoint, "--auth", "token", "--out", dir.Path], Token());

        result.ExitCode.Should().Be(3, result.StdOut + result.StdErr);
        result.StdErr.Trim().Should().Be("azrdsfix: ARM endpoint https://127.0.0.1:9/ cannot be reached: it refused the connection (nothing listens on port 9); check --arm-endpoint, or a proxy or firewall in between.");
        result.StdOut.Should().Contain("scan: no VMs; 1 scope(s) could not be read.");
        File.Exists(Path.Combine(dir.Path, "report.json")).Should().BeTrue("the report stays whole even when nothing could be read");
        File.Exists(Path.Combine(dir.Path, "journal.jsonl")).Should().BeTrue();
    }

    [Fact]
    public async Task Scan_TokenAuthWithoutVariable_ExitsThreeNamingTheVariable()
    {
        var result = await CliRunner.RunAsync(["scan", "--arm-endpoint", DeadEndpoint, "--auth", "token"]);

        result.ExitCode.Should().Be(3);
        result.StdErr.Should().Contain("AZRDSFIX_ACCESS_TOKEN");
    }

    private static Dictionary<string, string?> Token() => new() { ["AZRDSFIX_ACCESS_TOKEN"] = "test-token" };
}
