using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Guest.Tests;

public sealed class GuestOutputTests
{
    public static TheoryData<string> GuestNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Fixtures.GuestNames())
        {
            data.Add(name);
        }

        return data;
    }

    public static TheoryData<string> RemediateCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixtures.RemediateCases().Where(c => (string?)c!["expectedKind"] == "remediate"))
        {
            data.Add((string)c!["name"]!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GuestNames))]
    public void Parse_EveryFixturesExpectedProbe_GivesProbeFacts(string fixture)
    {
        var json = Fixtures.ExpectedProbeJson(fixture);
        var expected = Fixtures.Guest(fixture)["expectedProbe"]!;

        var output = GuestOutput.Parse<ProbeFacts>(Run("AZRDSFIX probe " + json), "probe");

        output.Error.Should().BeNull();
        var facts = output.Value!;
        facts.Schema.Should().Be(1);
        facts.Computer.Should().Be((string?)expected["computer"]);
        facts.LicensingMode.Local.Should().Be((int?)expected["mode"]!["local"]);
        facts.LicensingMode.Policy.Should().Be((int?)expected["mode"]!["policy"]);
        facts.LicenseServers.Local.Should().HaveCount(expected["servers"]!["local"]!.AsArray().Count);
        facts.LicenseServers.Policy.Should().HaveCount(expected["servers"]!["policy"]!.AsArray().Count);
        facts.GraceDays.Should().Be((int?)expected["graceDays"]);
        facts.Reach.Should().HaveCount(expected["reach"]!.AsArray().Count);
        facts.Reach.Select(r => r.LsStatus).Should().Equal(expected["reach"]!.AsArray().Select(r => (int?)r!["lsStatus"]));
        facts.Events.GraceExpiredNoServer.Should().Be((int)expected["events"]!["1128"]!);
        facts.LicensingRole.Should().Be((string?)expected["licensingRole"]);
        facts.Warnings.Should().HaveCount(expected["warnings"]!.AsArray().Count);
    }

    [Fact]
    public void Parse_LockedOut_DerivedFactsMatchTheGuest()
    {
        var facts = ParseProbe("locked-out");

        facts.RdshInstalled.Should().BeTrue();
        facts.EffectiveMode.Should().Be(5);
        facts.EffectiveServers.Should().BeEmpty();
        facts.PolicyManaged.Should().BeFalse();
        facts.Events.Total.Should().Be(10);
    }

    [Fact]
    public void Parse_GpoManaged_PolicyWins()
    {
        var facts = ParseProbe("gpo-managed");

        facts.PolicyManaged.Should().BeTrue();
        facts.EffectiveMode.Should().Be(2);
        facts.EffectiveServers.Should().Equal("oldls.contoso.com");
        facts.Reach.Should().Equal(new Reachability("oldls.contoso.com", true, false) { LsStatus = 6 });
    }

    [Theory]
    [MemberData(nameof(RemediateCaseNames))]
    public void Parse_EveryRemediateCaseOutput_GivesRemediationResult(string name)
    {
        var c = Fixtures.RemediateCase(name);
        var expected = c["expectedOutput"]!;

        var output = GuestOutput.Parse<RemediationResult>(Run("AZRDSFIX remediate " + expected.ToJsonString()), "remediate");

        output.Error.Should().BeNull();
        output.Value!.Status.Should().Be((string?)expected["status"]);
        output.Value.Blocked.Should().Be((string?)expected["blocked"]);
        output.Value.Changes.Should().HaveCount(expected["changes"]!.AsArray().Count);
        output.Value.RestartNeeded.Should().Be((bool)expected["restartNeeded"]!);
        output.Value.Method.Should().Be((string?)expected["method"]);
    }

    [Fact]
    public void Parse_LineAmongOtherOutputWithCrLf_IsFound()
    {
        var stdout = "Some banner\r\nAZRDSFIX probe " + Fixtures.ExpectedProbeJson("healthy") + "\r\n\r\n";

        var output = GuestOutput.Parse<ProbeFacts>(Run(stdout), "probe");

        output.Succeeded.Should().BeTrue();
        output.Value!.Reach.Should().Equal(new Reachability("ls01.contoso.com", true, true) { LsStatus = 11 });
    }

    [Fact]
    public void Parse_NoLine_SaysSoAndShowsTheEndOfStdout()
    {
        var output = GuestOutput.Parse<ProbeFacts>(Run("Windows PowerShell\nCopyright (C) Microsoft Corporation.\n"), "probe");

        output.Succeeded.Should().BeFalse();
        output.Error.Should().Be("The probe printed no 'AZRDSFIX probe' line; stdout ended with: Windows PowerShell Copyright (C) Microsoft Corporation.");
    }

    [Fact]
    public void Parse_EmptyStdout_SaysItWasEmpty()
    {
        GuestOutput.Parse<ProbeFacts>(Run(string.Empty), "probe").Error
            .Should().Be("The probe printed no 'AZRDSFIX probe' line; stdout was empty.");
    }

    [Fact]
    public void Parse_LineCutByTheRunCommandLimit_SaysItWasCut()
    {
        // A line over the limit (a script that broke its size budget): Run Command keeps the tail, without the marker.
        var probe = Fixtures.Guest("many-servers")["expectedProbe"]!.AsObject();
        probe["warnings"] = new System.Text.Json.Nodes.JsonArray([.. Enumerable.Range(0, 30).Select(i => (System.Text.Json.Nodes.JsonNode?)new string('w', 100))]);
        var full = "AZRDSFIX probe " + probe.ToJsonString() + "\n";
        full.Length.Should().BeGreaterThan(GuestOutput.RunCommandOutputLimit);
        var kept = full[^GuestOutput.RunCommandOutputLimit..];

        var output = GuestOutput.Parse<ProbeFacts>(Run(kept), "probe");

        output.Succeeded.Should().BeFalse();
        output.Error.Should().StartWith("The probe's 'AZRDSFIX probe' line was cut: Run Command kept only the last 4096 bytes of output");
    }

    [Fact]
    public void Parse_MarkerWithTruncatedJson_SaysItDoesNotParse()
    {
        var json = Fixtures.ExpectedProbeJson("healthy");

        var output = GuestOutput.Parse<ProbeFacts>(Run("AZRDSFIX probe " + json[..(json.Length / 2)]), "probe");

        output.Succeeded.Should().BeFalse();
        output.Error.Should().StartWith("The probe's 'AZRDSFIX probe' line does not parse as JSON");
        output.Error.Should().Contain("4096 bytes");
    }

    [Fact]
    public void Parse_ErrorLine_SurfacesTheScriptsOwnMessage()
    {
        var stdout = "AZRDSFIX error {\"message\":\"Parameter LicensingMode must be 2, 4 or empty for Apply.\"}\n";

        var output = GuestOutput.Parse<RemediationResult>(Run(stdout), "remediate");

        output.Succeeded.Should().BeFalse();
        output.Error.Should().Be("The remediation script failed in the guest: Parameter LicensingMode must be 2, 4 or empty for Apply.");
    }

    [Fact]
    public void Parse_ErrorLineWithEscapedCharacters_IsUnescaped()
    {
        // Windows PowerShell 5.1 escapes < and > in ConvertTo-Json.
        var stdout = "AZRDSFIX error {\"message\":\"Parameter LicensingMode must be 0 to 6, \\u003cabsent\\u003e or empty for Restore.\"}";

        GuestOutput.Parse<RemediationResult>(Run(stdout), "remediate").Error
            .Should().EndWith("must be 0 to 6, <absent> or empty for Restore.");
    }

    [Fact]
    public void Parse_StderrAndNoLine_SurfacesStderr()
    {
        var run = new GuestRunResult(string.Empty, "C:\\Packages\\script.ps1 : A parameter cannot be found that matches parameter name 'Foo'.\r\n    + CategoryInfo : InvalidArgument", "RunCommand");

        var output = GuestOutput.Parse<RemediationResult>(run, "remediate");

        output.Error.Should().Be("The remediation script printed no 'AZRDSFIX remediate' line and wrote to stderr: C:\\Packages\\script.ps1 : A parameter cannot be found that matches parameter name 'Foo'. + CategoryInfo : InvalidArgument");
    }

    [Fact]
    public void Parse_OtherKindsLine_IsNotTakenForTheWantedKind()
    {
        var output = GuestOutput.Parse<RemediationResult>(Run("AZRDSFIX probe " + Fixtures.ExpectedProbeJson("healthy")), "remediate");

        output.Error.Should().StartWith("The remediation script printed no 'AZRDSFIX remediate' line; stdout ended with: …");
    }

    private static ProbeFacts ParseProbe(string fixture) =>
        GuestOutput.Parse<ProbeFacts>(Run("AZRDSFIX probe " + Fixtures.ExpectedProbeJson(fixture)), "probe").Value!;

    private static GuestRunResult Run(string stdout) => new(stdout, string.Empty, "RunCommand");
}
