using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Cli.Tests;

/// <summary>A subscription that answers AuthorizationFailed is not hammered: the refused call is not sent for its other VMs.</summary>
public sealed class AuthorizationTests
{
    private const string Refusing = "aaaaaaaa-0000-0000-0000-000000000001";
    private const string Allowing = "bbbbbbbb-0000-0000-0000-000000000002";
    private const string Token = "fake-arm-token-5d1e";

    [Fact]
    public async Task Scan_RunCommandRefusedInOneSubscription_IsNotSentToItsOtherVms()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = Token;
        var probe = "AZRDSFIX probe " + ExpectedProbe("no-rdsh");
        arm.AddSubscription(Refusing, "Refusing").AddSubscription(Allowing, "Allowing");
        for (var i = 1; i <= 4; i++)
        {
            arm.AddVm(Refusing, "rg-a", $"rdsh-a{i}", probeStdout: probe);
        }

        arm.AddVm(Allowing, "rg-b", "web-b1", probeStdout: probe);
        arm.AddFault(new FakeFault("POST", $"/subscriptions/{Refusing}/", 403, "AuthorizationFailed",
            $"The client 'ops@contoso.com' with object id '0000' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/runCommand/action' over scope '/subscriptions/{Refusing}' or the scope is invalid.")
        {
            Times = 100,
        });
        using var dir = new TempDir();

        var result = await CliRunner.RunAsync(
            ["scan", "--arm-endpoint", arm.Endpoint.ToString(), "--auth", "token", "--out", dir.Path, "--max-parallel", "1"],
            new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = Token },
            arm.Certificate);

        result.ExitCode.Should().Be(1, result.StdErr);
        arm.CountRequests("POST", $"/subscriptions/{Refusing}/").Should().Be(1, "after the first refusal the call is not sent again in that subscription");
        var report = SimulatorSession.ReadReport(dir.Path);
        report.Vms.Where(v => v.SubscriptionId == Refusing).Should().HaveCount(4)
            .And.OnlyContain(v => v.Outcome == VmOutcome.Failed && v.Reason.Contains("runCommand/action", StringComparison.Ordinal));
        report.Vms.Single(v => v.Name == "web-b1").Outcome.Should().Be(VmOutcome.NotApplicable, "the other subscription is not affected");
    }

    [Fact]
    public async Task Scan_RunCommandRefusedInOneResourceGroup_IsStillSentToTheOtherGroupsOfTheSubscription()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = Token;
        var probe = "AZRDSFIX probe " + ExpectedProbe("no-rdsh");
        arm.AddSubscription(Refusing, "Mixed roles");
        for (var i = 1; i <= 3; i++)
        {
            arm.AddVm(Refusing, "rg-locked", $"rdsh-l{i}", probeStdout: probe);
        }

        for (var i = 1; i <= 2; i++)
        {
            arm.AddVm(Refusing, "rg-open", $"rdsh-o{i}", probeStdout: probe);
        }

        // The role that allows Run Command is assigned on rg-open only (RBAC scope = resource group).
        arm.AddFault(new FakeFault("POST", "/resourceGroups/rg-locked/", 403, "AuthorizationFailed",
            $"The client 'ops@contoso.com' with object id '0000' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/runCommand/action' over scope '/subscriptions/{Refusing}/resourceGroups/rg-locked/providers/Microsoft.Compute/virtualMachines/rdsh-l1' or the scope is invalid.")
        {
            Times = 100,
        });
        using var dir = new TempDir();

        var result = await CliRunner.RunAsync(
            ["scan", "--arm-endpoint", arm.Endpoint.ToString(), "--auth", "token", "--out", dir.Path, "--max-parallel", "1"],
            new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = Token },
            arm.Certificate);

        result.ExitCode.Should().Be(1, result.StdErr);
        arm.CountRequests("POST", "/resourceGroups/rg-locked/").Should().Be(1, "after the first refusal the call is not sent again in that resource group");
        arm.CountRequests("POST", "/resourceGroups/rg-open/").Should().BeGreaterThanOrEqualTo(2, "a refusal in another resource group says nothing about this one");
        var report = SimulatorSession.ReadReport(dir.Path);
        report.Vms.Where(v => v.ResourceGroup == "rg-locked").Should().HaveCount(3)
            .And.OnlyContain(v => v.Outcome == VmOutcome.Failed && v.Reason.Contains("'Microsoft.Compute/virtualMachines/runCommand/action'", StringComparison.Ordinal));
        report.Vms.Where(v => v.ResourceGroup == "rg-open").Should().HaveCount(2)
            .And.OnlyContain(v => v.Outcome == VmOutcome.NotApplicable);
    }

    private static string ExpectedProbe(string fixture)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "src", "AzureRdsFix.Guest", "Fixtures", fixture + ".json")))!;
        return node["expectedProbe"]!.ToJsonString();
    }
}
