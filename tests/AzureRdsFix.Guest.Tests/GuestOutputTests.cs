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
        facts.Reach.Select(r => r.Tcp135).Should().Equal(expected["reach"]!.AsArray().Select(r => (string)r!["tcp135"]!));
        facts.Reach.Select(r => r.Address).Should().Equal(expected["reach"]!.AsArray().Select(r => (string?)r!["address"]));
        facts.Is64BitProcess.Should().Be((bool?)expected["is64BitProcess"]);
        facts.Events.RcmAdmin?.ModeNotConfigured.Should().Be((int?)expected["events"]!["rcmAdmin"]?["1069"]);
        (facts.Events.RcmAdmin is null).Should().Be(expected["events"]!["rcmAdmin"] is null);
        facts.Events.SystemLog?.LicenseAttributesNotUpdated.Should().Be((int?)expected["events"]!["system"]?["4105"]);
        facts.LicensingRole.Should().Be((string?)expected["licensingRole"]);
        facts.KeyPacks.Should().Be((int?)expected["keyPacks"]);
        facts.Warnings.Select(w => w.ErrorId).Should().Equal(expected["warnings"]!.AsArray().Select(w => (string?)w!["errorId"]));
        facts.Warnings.Should().NotContain(w => string.IsNullOrEmpty(w.ErrorId));
    }

    [Fact]
    public void Parse_LockedOut_DerivedFactsMatchTheGuest()
    {
        var facts = ParseProbe("locked-out");

        facts.RdshInstalled.Should().BeTrue();
        facts.EffectiveMode.Should().Be(5);
        facts.EffectiveServers.Should().BeEmpty();
        facts.PolicyManaged.Should().BeFalse();
        facts.Events.Total.Should().Be(4);
        facts.Events.RcmAdmin!.ModeNotConfigured.Should().Be(4);
    }

    [Fact]
    public void Parse_GpoManaged_PolicyWins()
    {
        var facts = ParseProbe("gpo-managed");

        facts.PolicyManaged.Should().BeTrue();
        facts.EffectiveMode.Should().Be(2);
        facts.EffectiveServers.Should().Equal("oldls.contoso.com");
        facts.Reach.Should().Equal(new Reachability("oldls.contoso.com", true, false) { Address = "10.0.0.4", LsStatus = 6 });
    }

    [Fact]
    public void Parse_NewFidelityFields_AreRead()
    {
        ParseProbe("wow64-host").Is64BitProcess.Should().BeFalse();
        ParseProbe("licensing-role-with-cals").KeyPacks.Should().Be(1);
        ParseProbe("no-rcm-log").Events.RcmAdmin.Should().BeNull();
        ParseProbe("no-rcm-log").Warnings.Should().Equal(new ProbeWarning(
            "RemoteConnectionManager Admin log could not be read: There is not an event log on the loca", "NoMatchingLogsFound 0x80131500"));
        ParseProbe("many-servers").Reach.Select(r => r.Tcp135).Should().Equal("open", "timeout", "dnsFailed", "dnsFailed");
    }

    [Fact]
    public void Parse_LicensesInstalledRefusal_CarriesTheErrorId()
    {
        var expected = Fixtures.RemediateCase("remove-licensing-role-cals-installed")["expectedOutput"]!;

        var result = GuestOutput.Parse<RemediationResult>(Run("AZRDSFIX remediate " + expected.ToJsonString()), "remediate").Value!;

        result.Status.Should().Be(RemediationStatus.Blocked);
        result.Blocked.Should().Be(RemediationBlock.LicensesInstalled);
        result.Error!.ErrorId.Should().Be("LicensesInstalled");
        result.Changes.Should().OnlyContain(c => !c.Changed);
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
        output.Value!.Reach.Should().Equal(new Reachability("ls01.contoso.com", true, true) { Address = "10.0.0.4", LsStatus = 11 });
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
    public void Parse_ErrorLineWithId_ShowsTheLocaleIndependentIdBesideTheMessage()
    {
        var stdout = "AZRDSFIX error {\"message\":\"Zugriff verweigert\",\"errorId\":\"UnauthorizedAccess 0x80070005\"}\n";

        var output = GuestOutput.Parse<RemediationResult>(Run(stdout), "remediate");

        output.Error.Should().Be("The remediation script failed in the guest: Zugriff verweigert [UnauthorizedAccess 0x80070005]");
    }

    [Fact]
    public void Parse_RemediateLineWithError_KeepsTheChangesWritten()
    {
        var stdout = "AZRDSFIX remediate {\"schema\":1,\"operation\":\"Apply\",\"status\":\"Applied\",\"blocked\":null,\"unreachable\":[],"
            + "\"changes\":[{\"setting\":\"LicensingMode\",\"before\":\"5\",\"after\":\"4\",\"changed\":true},{\"setting\":\"RDS-Licensing\",\"before\":\"Installed\",\"after\":\"Installed\",\"changed\":false}],"
            + "\"restartNeeded\":true,\"method\":\"Wmi\",\"error\":{\"message\":\"The request failed.\",\"errorId\":\"ServerManager 0x80070005\"}}\n";

        var output = GuestOutput.Parse<RemediationResult>(Run(stdout), "remediate");

        output.Value!.Error.Should().Be(new GuestError("The request failed.", "ServerManager 0x80070005"));
        output.Value.Changes.Should().Contain(new RemediationChange("LicensingMode", "5", "4", true));
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
