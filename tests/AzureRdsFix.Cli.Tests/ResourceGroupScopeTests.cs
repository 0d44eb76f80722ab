namespace AzureRdsFix.Cli.Tests;

/// <summary>--resource-group without --subscription: the group is looked for where it exists, not reported missing everywhere else.</summary>
public sealed class ResourceGroupScopeTests
{
    [Fact]
    public async Task Scan_ResourceGroupInOneSubscription_OtherSubscriptionsNotFoundAreNoScopeErrors()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("scan", "--out", sim.Out("rg"), "--resource-group", "rg-rdsh-dev", "--quiet");

        var report = SimulatorSession.ReadReport(sim.Out("rg"));
        report.Vms.Select(v => v.Name).Should().BeEquivalentTo(["rdsh-dev-01", "rdsh-dev-02", "rdsh-dev-03", "rdsh-dev-04", "rdsh-dev-05"]);
        report.ScopeErrors.Should().NotContain(e => e.Message.Contains("ResourceGroupNotFound", StringComparison.Ordinal), "a subscription that does not hold the group is simply not where it is: " + result.StdOut);
    }

    [Fact]
    public async Task Scan_ResourceGroupNowhere_OneScopeErrorNamingIt()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var result = await sim.RunAsync("scan", "--out", sim.Out("rg"), "--resource-group", "rg-nowhere", "--quiet");

        result.ExitCode.Should().Be(1, result.StdErr);
        var report = SimulatorSession.ReadReport(sim.Out("rg"));
        report.Vms.Should().BeEmpty();
        // The demo's forbidden subscription still says it refused (the group may be there); the subscriptions that
        // answered 404 are said once, together.
        report.ScopeErrors.Where(e => e.Message.Contains("ResourceGroupNotFound", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Message.Should().Contain("'rg-nowhere' was not found in any subscription");
    }
}
