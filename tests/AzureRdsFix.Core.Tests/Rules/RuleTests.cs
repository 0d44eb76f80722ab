using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Rules;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Rules;

public sealed class RuleTests
{
    private static List<Finding> Run(IRule rule, ProbeFacts facts, RuleContext? context = null) =>
        [.. rule.Evaluate(facts, context ?? RuleContext.Default)];

    [Fact]
    public void Rds001_LockedOut_ErrorWithStateEvidence()
    {
        var finding = Run(new Rds001LicensingLockout(), Probes.LockedOut()).Should().ContainSingle().Subject;

        finding.RuleId.Should().Be("RDS001");
        finding.Severity.Should().Be(Severity.Error);
        finding.FixableBy.Should().Be(FixKind.SetModeAndServers);
        finding.Evidence["graceDays"]!.GetValue<int>().Should().Be(0);
        finding.Evidence["mode"]!["local"]!.GetValue<int>().Should().Be(5);
        finding.Evidence["events"]!["rcmAdmin"]!["1069"]!.GetValue<int>().Should().Be(4);
    }

    [Fact]
    public void Rds001_GraceOverButServerWorks_NoFinding() =>
        Run(new Rds001LicensingLockout(), Probes.Healthy() with { GraceDays = 0 }).Should().BeEmpty();

    [Fact]
    public void Rds001_GraceOverServerUnreachable_Finding() =>
        Run(new Rds001LicensingLockout(), Probes.ServerUnreachable() with { GraceDays = 0 }).Should().ContainSingle();

    [Fact]
    public void Rds001_GraceOverModeInvalid_Finding() =>
        Run(new Rds001LicensingLockout(), Probes.Healthy() with { GraceDays = 0, LicensingMode = new ModeFacts { Local = 5 } })
            .Should().ContainSingle();

    [Fact]
    public void Rds001_ReachEntryMissing_CountsAsNotWorking() =>
        Run(new Rds001LicensingLockout(), Probes.Healthy() with { GraceDays = 0, Reach = [] }).Should().ContainSingle();

    [Fact]
    public void Rds001_GraceUnknownNoEvents_NoFinding() =>
        Run(new Rds001LicensingLockout(), Probes.LockedOut() with { GraceDays = null, Events = new EventCounts() }).Should().BeEmpty();

    [Fact]
    public void Rds001_GraceUnknownOnlyLicensingServiceEvents_NoFinding() =>
        Run(new Rds001LicensingLockout(), Probes.LockedOut() with
        {
            GraceDays = null,
            Events = new EventCounts { SystemLog = new SystemLogEvents { LicenseAttributesNotUpdated = 3 } },
        }).Should().BeEmpty();

    [Fact]
    public void Rds001_GraceUnknownRcmLogUnknown_NoFindingFromEvents() =>
        Run(new Rds001LicensingLockout(), Probes.LockedOut() with { GraceDays = null, Events = new EventCounts { RcmAdmin = null } })
            .Should().BeEmpty();

    [Fact]
    public void Rds010_LockoutEvent_EvidenceNamesTheChannel()
    {
        var finding = Run(new Rds010LicensingLockoutEvents(), Probes.LockedOut() with
        {
            Events = new EventCounts { RcmAdmin = new RcmAdminEvents { ModeNotConfigured = 4 }, SystemLog = null },
        }).Should().ContainSingle().Which;

        finding.Evidence["events"]!.ToJsonString().Should().Be("{\"rcmAdmin\":{\"1069\":4},\"system\":null}");
        finding.Evidence["total"]!.GetValue<int>().Should().Be(4);
    }

    [Fact]
    public void Rds010_OnlyLicensingServiceEvents_NoFinding() =>
        Run(new Rds010LicensingLockoutEvents(), Probes.LockedOut() with
        {
            Events = new EventCounts { SystemLog = new SystemLogEvents { LicenseAttributesNotUpdated = 9 } },
        }).Should().BeEmpty();

    [Fact]
    public void Rds005_Tcp135TimedOut_FindingSaysTimedOut()
    {
        var finding = Run(new Rds005LicenseServerUnreachable(), Probes.Healthy() with
        {
            Reach = [new Reachability { Host = "ls01.contoso.com", Dns = true, Address = "10.0.0.4", Tcp135 = Tcp135State.Timeout }],
        }).Should().ContainSingle().Which;

        finding.Evidence["reach"]![0]!["tcp135"]!.GetValue<string>().Should().Be("timeout");
        finding.Evidence["reach"]![0]!["address"]!.GetValue<string>().Should().Be("10.0.0.4");
    }

    [Fact]
    public void Rds005_ResolvedButRefused_Finding() =>
        Run(new Rds005LicenseServerUnreachable(), Probes.Healthy() with
        {
            Reach = [new Reachability { Host = "ls01.contoso.com", Dns = true, Address = "10.0.0.4", Tcp135 = Tcp135State.Closed }],
        }).Should().ContainSingle();

    [Fact]
    public void Rds008_KeyPacksHoldCals_NotFixableByRemoval() =>
        Run(new Rds008LicensingRoleUnused(), Probes.Healthy() with
        {
            LicensingRole = "Installed", Rdsh = new RdshFacts(), TerminalServerMode = 0, KeyPacks = 2,
        }).Should().ContainSingle().Which.FixableBy.Should().BeNull();

    [Fact]
    public void Rds008_NoKeyPacksWithCals_FixableByRemoval() =>
        Run(new Rds008LicensingRoleUnused(), Probes.Healthy() with
        {
            LicensingRole = "Installed", Rdsh = new RdshFacts(), TerminalServerMode = 0, KeyPacks = 0,
        }).Should().ContainSingle().Which.FixableBy.Should().Be(FixKind.RemoveLicensingRole);

    [Fact]
    public void Rds001_GraceUnknownLockoutEvents_FindingFromEvents() =>
        Run(new Rds001LicensingLockout(), Probes.LockedOut() with { GraceDays = null }).Should().ContainSingle()
            .Which.Evidence["graceOverFrom"]!.GetValue<string>().Should().Be("events");

    [Fact]
    public void Rds001_PolicyManaged_NotFixableLocally() =>
        Run(new Rds001LicensingLockout(), Probes.GpoManaged() with { GraceDays = 0 }).Should().ContainSingle()
            .Which.FixableBy.Should().BeNull();

    [Theory]
    [InlineData(1, true)]
    [InlineData(14, true)]
    [InlineData(15, false)]
    [InlineData(0, false)]
    public void Rds002_GraceWindow_FindingOnlyInside(int days, bool expected) =>
        Run(new Rds002GracePeriodEnding(), Probes.GraceExpiring(days)).Should().HaveCount(expected ? 1 : 0);

    [Fact]
    public void Rds002_WarnDaysFromContext_Used() =>
        Run(new Rds002GracePeriodEnding(), Probes.GraceExpiring(20), new RuleContext(WarnDays: 30)).Should().ContainSingle()
            .Which.Evidence["warnDays"]!.GetValue<int>().Should().Be(30);

    [Fact]
    public void Rds002_WorkingServer_NoFinding() =>
        Run(new Rds002GracePeriodEnding(), Probes.Healthy() with { GraceDays = 3 }).Should().BeEmpty();

    [Theory]
    [InlineData(null, true)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    [InlineData(2, false)]
    [InlineData(4, false)]
    public void Rds003_Mode_FindingUnlessPerUserOrPerDevice(int? mode, bool expected) =>
        Run(new Rds003LicensingModeNotSet(), Probes.Healthy() with { LicensingMode = new ModeFacts { Local = mode } })
            .Should().HaveCount(expected ? 1 : 0);

    [Fact]
    public void Rds003_PolicyModeWins_OverValidLocal()
    {
        var facts = Probes.Healthy() with { LicensingMode = new ModeFacts { Local = 4, Policy = 5 } };

        var finding = Run(new Rds003LicensingModeNotSet(), facts).Should().ContainSingle().Subject;

        finding.Evidence["mode"]!["effective"]!.GetValue<int>().Should().Be(5);
        finding.FixableBy.Should().BeNull();
    }

    [Fact]
    public void Rds003_NoRdsh_NoFinding() =>
        Run(new Rds003LicensingModeNotSet(), Probes.NoRdsh()).Should().BeEmpty();

    [Fact]
    public void Rds004_NoServers_FindingFixableBySetServers() =>
        Run(new Rds004NoLicenseServer(), Probes.LockedOut()).Should().ContainSingle()
            .Which.FixableBy.Should().Be(FixKind.SetServers);

    [Fact]
    public void Rds004_PolicyServersOnly_NoFinding() =>
        Run(new Rds004NoLicenseServer(), Probes.GpoManaged() with { LicenseServers = new ServerFacts { Policy = ["ls"] } })
            .Should().BeEmpty();

    [Fact]
    public void Rds005_Tcp135Fails_FindingNamesHost()
    {
        var finding = Run(new Rds005LicenseServerUnreachable(), Probes.ServerUnreachable()).Should().ContainSingle().Subject;

        finding.Severity.Should().Be(Severity.Warning);
        finding.FixableBy.Should().BeNull();
        finding.Evidence["unreachable"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("ls01.contoso.com");
        finding.Evidence["anyReachable"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Rds005_OneOfTwoFails_FindingSaysAnyReachable()
    {
        var facts = Probes.Healthy() with
        {
            LicenseServers = new ServerFacts { Local = ["ls01.contoso.com", "ls02.contoso.com"] },
            Reach = [new Reachability("ls01.contoso.com", true, true), new Reachability("ls02.contoso.com", false, false)],
        };

        var finding = Run(new Rds005LicenseServerUnreachable(), facts).Should().ContainSingle().Subject;

        finding.Evidence["unreachable"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("ls02.contoso.com");
        finding.Evidence["anyReachable"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void Rds005_ReachHostCaseDiffers_StillMatched() =>
        Run(new Rds005LicenseServerUnreachable(), Probes.Healthy() with { Reach = [new Reachability("LS01.CONTOSO.COM", true, true)] })
            .Should().BeEmpty();

    [Fact]
    public void Rds006_PolicyAndBroken_Finding()
    {
        var finding = Run(new Rds006GroupPolicyManaged(), Probes.GpoManaged()).Should().ContainSingle().Subject;

        finding.Evidence["policyMode"]!.GetValue<int>().Should().Be(2);
        finding.Evidence["policyServers"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("oldls.contoso.com");
    }

    [Fact]
    public void Rds006_PolicyAndWorking_NoFinding() =>
        Run(new Rds006GroupPolicyManaged(), Probes.GpoManaged() with { Reach = [new Reachability("oldls.contoso.com", true, true)] })
            .Should().BeEmpty();

    [Fact]
    public void Rds007_LowerVersionStatus_Finding() =>
        Run(new Rds007LicenseServerLowerVersion(), Probes.LowerVersion()).Should().ContainSingle();

    [Fact]
    public void Rds007_ValidStatus_NoFinding() =>
        Run(new Rds007LicenseServerLowerVersion(), Probes.Healthy()).Should().BeEmpty();

    [Fact]
    public void Rds008_RoleInstalledWithoutRdsh_FindingFixableByRemoval() =>
        Run(new Rds008LicensingRoleUnused(), Probes.LicensingRoleUnused()).Should().ContainSingle()
            .Which.FixableBy.Should().Be(FixKind.RemoveLicensingRole);

    [Fact]
    public void Rds008_RoleInstalledWithRdsh_NoFinding() =>
        Run(new Rds008LicensingRoleUnused(), Probes.Healthy() with { LicensingRole = "Installed" }).Should().BeEmpty();

    [Theory]
    [InlineData("ls-old.contoso.com")]
    [InlineData("LS-OLD")]
    public void Rds008_FleetNamesThisHost_NoFinding(string server)
    {
        var context = RuleContext.Default with { FleetLicenseServers = new HashSet<string>([server], StringComparer.OrdinalIgnoreCase) };

        Run(new Rds008LicensingRoleUnused(), Probes.LicensingRoleUnused(), context).Should().BeEmpty();
    }

    [Fact]
    public void Rds010_Events_InfoWithCounts()
    {
        var finding = Run(new Rds010LicensingLockoutEvents(), Probes.LockedOut()).Should().ContainSingle().Subject;

        finding.Severity.Should().Be(Severity.Info);
        finding.Evidence["total"]!.GetValue<int>().Should().Be(4);
    }

    [Fact]
    public void Rds010_NoEvents_NoFinding() =>
        Run(new Rds010LicensingLockoutEvents(), Probes.Healthy()).Should().BeEmpty();

    [Fact]
    public void RdshInstalled_OnlyTerminalServerModeAppServer_CountsAsRdsh()
    {
        var facts = Probes.LockedOut() with { Rdsh = new RdshFacts(), TerminalServerMode = 1 };

        facts.RdshInstalled.Should().BeTrue("a busy servicing stack can hide the role from the component cache and Get-WindowsFeature");
        Run(new Rds001LicensingLockout(), facts).Should().ContainSingle();
    }

    [Fact]
    public void Rds001_GraceUnknownFromAFailedCall_WithoutEvents_DoesNotFire()
    {
        Run(new Rds001LicensingLockout(), Probes.LockedOut() with { GraceDays = null, Events = new EventCounts() }).Should().BeEmpty();
    }

    [Fact]
    public void Rds007_LowerVersionOnlyAsTheSingleStatus_FiresPerServer()
    {
        var facts = Probes.Healthy() with
        {
            LicenseServers = new ServerFacts { Local = ["ls01.contoso.com", "ls02.contoso.com"] },
            Reach = [new Reachability("ls01.contoso.com", true, true) { LsStatus = 11 }, new Reachability("ls02.contoso.com", true, true) { LsStatus = 4 }],
        };

        var finding = Run(new Rds007LicenseServerLowerVersion(), facts).Should().ContainSingle().Subject;

        finding.Evidence["lowerVersion"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("ls02.contoso.com");
    }

    [Fact]
    public void AllRules_NoRdsh_OnlyLicensingRuleMayFire()
    {
        var facts = Probes.LockedOut() with { Rdsh = new RdshFacts(), TerminalServerMode = 0, LicensingRole = "Installed" };

        RuleCatalog.All.SelectMany(r => r.Evaluate(facts, RuleContext.Default)).Select(f => f.RuleId).Should().Equal("RDS008");
    }
}
