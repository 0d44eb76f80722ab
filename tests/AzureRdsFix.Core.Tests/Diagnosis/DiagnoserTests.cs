using AzureRdsFix.Core.Diagnosis;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Rules;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Diagnosis;

public sealed class DiagnoserTests
{
    private static Core.Diagnosis.Diagnosis Diagnose(ProbeFacts facts) => Diagnoser.Diagnose(facts, RuleContext.Default);

    [Fact]
    public void Diagnose_LockedOut_NeedsAttentionNamingRds001()
    {
        var diagnosis = Diagnose(Probes.LockedOut());

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.MainFinding!.RuleId.Should().Be("RDS001");
        diagnosis.Findings.Select(f => f.RuleId).Should().Equal("RDS001", "RDS003", "RDS004", "RDS010");
        diagnosis.FixKind.Should().Be(FixKind.SetModeAndServers);
        diagnosis.Reason.Should().Be(
            "RDP is refused: the grace period is over, no license server is configured and the licensing mode is 5 (RDS001); "
            + "`fix --license-server HOST --licensing-mode PerUser|PerDevice` can repair it (or `fix --remove-rdsh` if no "
            + "license server is wanted).");
    }

    [Fact]
    public void Diagnose_GraceExpiring_Rds002Main()
    {
        var diagnosis = Diagnose(Probes.GraceExpiring(5) with { LicensingMode = new ModeFacts { Local = 4 } });

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.MainFinding!.RuleId.Should().Be("RDS002");
        diagnosis.FixKind.Should().Be(FixKind.SetServers);
        diagnosis.Reason.Should().Be(
            "The grace period ends in 5 days and no license server is configured (RDS002); `fix --license-server HOST` can repair it.");
    }

    [Fact]
    public void Diagnose_Healthy_HealthyWithoutFindings()
    {
        var diagnosis = Diagnose(Probes.Healthy());

        diagnosis.Outcome.Should().Be(VmOutcome.Healthy);
        diagnosis.Findings.Should().BeEmpty();
        diagnosis.MainFinding.Should().BeNull();
        diagnosis.Fixable.Should().BeFalse();
        diagnosis.Reason.Should().Be("RDSH licensing is sound: licensing mode 4 (Per User), license server ls01.contoso.com reachable.");
    }

    [Fact]
    public void Diagnose_HealthyWithOldEvents_HealthyWithInfo()
    {
        var diagnosis = Diagnose(Probes.Healthy() with { Events = new EventCounts { RcmAdmin = new RcmAdminEvents { ModeNotConfigured = 1 } } });

        diagnosis.Outcome.Should().Be(VmOutcome.Healthy);
        diagnosis.Findings.Select(f => f.RuleId).Should().Equal("RDS010");
        diagnosis.Reason.Should().EndWith("(RDS010).");
    }

    [Fact]
    public void Diagnose_GpoManaged_NeedsAttentionPointingAtGroupPolicy()
    {
        var diagnosis = Diagnose(Probes.GpoManaged());

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.Findings.Select(f => f.RuleId).Should().Equal("RDS005", "RDS006");
        diagnosis.Fixable.Should().BeFalse();
        diagnosis.Reason.Should().Be(
            "License server oldls.contoso.com does not answer on TCP 135 (RDS005); Group Policy sets the licensing mode (2) "
            + "and servers (oldls.contoso.com), so fix it in Group Policy (RDS006).");
    }

    [Fact]
    public void Diagnose_NoRdsh_NotApplicable()
    {
        var diagnosis = Diagnose(Probes.NoRdsh());

        diagnosis.Outcome.Should().Be(VmOutcome.NotApplicable);
        diagnosis.Reason.Should().Be("No RDSH role: RDP licensing does not apply.");
    }

    [Fact]
    public void Diagnose_ServerUnreachable_Rds005FixableBySetServers()
    {
        var diagnosis = Diagnose(Probes.ServerUnreachable());

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.Findings.Select(f => f.RuleId).Should().Equal("RDS005");
        diagnosis.FixKind.Should().Be(FixKind.SetServers);
        diagnosis.Reason.Should().Be(
            "License server ls01.contoso.com does not answer on TCP 135 (RDS005); `fix --license-server HOST` can repair it.");
    }

    [Fact]
    public void Diagnose_OneOfTwoServersDown_NotFixable()
    {
        var facts = Probes.Healthy() with
        {
            LicenseServers = new ServerFacts { Local = ["ls01.contoso.com", "ls02.contoso.com"] },
            Reach = [new Reachability("ls01.contoso.com", true, true), new Reachability("ls02.contoso.com", false, false)],
        };

        var diagnosis = Diagnose(facts);

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.Fixable.Should().BeFalse();
        diagnosis.Reason.Should().Be(
            "License server ls02.contoso.com does not resolve in DNS (RDS005); make it reachable from the VM (DNS, TCP 135) "
            + "or name another with `fix --license-server HOST`.");
    }

    [Fact]
    public void Diagnose_LicensingRoleUnused_NeedsAttentionFixableByRemoval()
    {
        var diagnosis = Diagnose(Probes.LicensingRoleUnused());

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.MainFinding!.RuleId.Should().Be("RDS008");
        diagnosis.FixKind.Should().Be(FixKind.RemoveLicensingRole);
        diagnosis.Reason.Should().Contain("`fix --remove-licensing-role`");
    }

    [Fact]
    public void Diagnose_LowerVersion_Rds007NotFixable()
    {
        var diagnosis = Diagnose(Probes.LowerVersion());

        diagnosis.Outcome.Should().Be(VmOutcome.NeedsAttention);
        diagnosis.Reason.Should().Be(
            "The license server runs an older Windows Server version than this session host (RDS007); move licensing to a "
            + "license server at least as new as this session host.");
    }

    [Fact]
    public void MainFinding_SameSeverity_LowestIdWins()
    {
        var findings = new[]
        {
            new Finding("RDS006", Severity.Warning, "b", []),
            new Finding("RDS010", Severity.Info, "c", []),
            new Finding("RDS003", Severity.Warning, "a", []),
        };

        RuleCatalog.MainFinding(findings)!.RuleId.Should().Be("RDS003");
    }
}
