using AzureRdsFix.Core.Diagnosis;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Rules;
using AzureRdsFix.Core.Tests.Support;

namespace AzureRdsFix.Core.Tests.Diagnosis;

public sealed class PlannerTests
{
    private static FixPlan Plan(ProbeFacts facts, FixRequest request) =>
        Planner.Plan(facts, Diagnoser.Diagnose(facts, RuleContext.Default), request);

    [Fact]
    public void Plan_LockedOutWithServerAndMode_SetsBoth()
    {
        var plan = Plan(Probes.LockedOut(), new FixRequest(["ls01.contoso.com"], 4));

        plan.Outcome.Should().Be(VmOutcome.WouldFix);
        plan.Changes.Should().Equal(
            new SettingChange("LicensingMode", "5", "4"),
            new SettingChange("SpecifiedLicenseServers", null, "ls01.contoso.com"));
        plan.Reason.Should().Be(
            "Fix would set LicensingMode 5 -> 4, SpecifiedLicenseServers (none) -> ls01.contoso.com after checking in the "
            + "guest that the license servers answer on TCP 135; a restart makes it take effect.");
    }

    [Fact]
    public void Plan_LockedOutWithoutMode_NeedsAttentionAskingForMode()
    {
        var plan = Plan(Probes.LockedOut(), new FixRequest(["ls01.contoso.com"]));

        plan.Outcome.Should().Be(VmOutcome.NeedsAttention);
        plan.Changes.Should().BeEmpty();
        plan.Reason.Should().Contain("--licensing-mode");
    }

    [Fact]
    public void Plan_NoServerGiven_NeedsAttentionAskingForServer()
    {
        var plan = Plan(Probes.LockedOut(), new FixRequest([], 4));

        plan.Outcome.Should().Be(VmOutcome.NeedsAttention);
        plan.Reason.Should().Contain("--license-server HOST").And.Contain("--remove-rdsh");
    }

    [Fact]
    public void Plan_ValidModeKept_OnlyServersChange()
    {
        var plan = Plan(Probes.ServerUnreachable(), new FixRequest(["10.0.0.4"]));

        plan.Changes.Should().Equal(new SettingChange("SpecifiedLicenseServers", "ls01.contoso.com", "10.0.0.4"));
    }

    [Fact]
    public void Plan_ModeOnlyProblem_NoServerNeeded()
    {
        var plan = Plan(Probes.Healthy() with { LicensingMode = new ModeFacts { Local = 5 } }, new FixRequest([], 2));

        plan.Changes.Should().Equal(new SettingChange("LicensingMode", "5", "2"));
    }

    [Fact]
    public void Plan_RemoveRdsh_UninstallsRole()
    {
        var plan = Plan(Probes.LockedOut(), new FixRequest([], RemoveRdsh: true));

        plan.Changes.Should().Equal(new SettingChange("RDS-RD-Server", "Installed", "Available"));
    }

    [Fact]
    public void Plan_GpoManaged_NeedsAttentionNoChanges()
    {
        var plan = Plan(Probes.GpoManaged(), new FixRequest(["ls01.contoso.com"], 4));

        plan.Outcome.Should().Be(VmOutcome.NeedsAttention);
        plan.Changes.Should().BeEmpty();
        plan.Reason.Should().Contain("Group Policy");
    }

    [Fact]
    public void Plan_Healthy_NoChangesEvenWhenAsked()
    {
        var plan = Plan(Probes.Healthy(), new FixRequest(["ls02.contoso.com"], 2, RemoveLicensingRole: true));

        plan.Outcome.Should().Be(VmOutcome.Healthy);
        plan.Changes.Should().BeEmpty();
    }

    [Fact]
    public void Plan_NoRdsh_NotApplicable() =>
        Plan(Probes.NoRdsh(), new FixRequest(["ls01.contoso.com"], 4)).Outcome.Should().Be(VmOutcome.NotApplicable);

    [Fact]
    public void Plan_UnusedLicensingRole_RemovedOnlyWhenAsked()
    {
        Plan(Probes.LicensingRoleUnused(), FixRequest.None).Outcome.Should().Be(VmOutcome.NeedsAttention);

        Plan(Probes.LicensingRoleUnused(), FixRequest.None with { RemoveLicensingRole = true }).Changes
            .Should().Equal(new SettingChange("RDS-Licensing", "Installed", "Available"));
    }

    [Fact]
    public void Plan_SameServersAlreadySet_NeedsAttention()
    {
        var plan = Plan(Probes.ServerUnreachable(), new FixRequest(["LS01.contoso.com"]));

        plan.Outcome.Should().Be(VmOutcome.NeedsAttention);
        plan.Changes.Should().BeEmpty();
    }

    [Theory]
    [InlineData(new[] { "ls01.contoso.com" }, 4, false, null)]
    [InlineData(new[] { "bad host" }, 4, false, "--license-server 'bad host'")]
    [InlineData(new string[0], 3, false, "--licensing-mode '3'")]
    [InlineData(new[] { "a", "b", "c", "d", "e" }, null, false, "at most 4")]
    [InlineData(new[] { "ls01" }, null, true, "--remove-rdsh cannot be combined")]
    public void Validate_Inputs_OneSentenceOrNull(string[] servers, int? mode, bool removeRdsh, string? expected)
    {
        var error = new FixRequest(servers, mode, removeRdsh).Validate();

        if (expected is null)
        {
            error.Should().BeNull();
        }
        else
        {
            error.Should().Contain(expected);
        }
    }
}
