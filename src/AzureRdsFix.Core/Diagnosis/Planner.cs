using System.Globalization;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Diagnosis;

/// <summary>
/// What `fix` would change on one VM (the settings of Set-RdsLicensing.ps1), or why it would change nothing.
/// <see cref="Outcome"/> is WouldFix when there are changes, else the diagnosis' outcome (Healthy, NotApplicable or
/// NeedsAttention with a reason).
/// </summary>
public sealed record FixPlan(VmOutcome Outcome, string Reason, IReadOnlyList<SettingChange> Changes)
{
    public bool HasChanges => Changes.Count > 0;
}

/// <summary>Plans the in-guest changes from probe facts, their diagnosis and the fix options. Pure; the guest re-checks everything.</summary>
public static class Planner
{
    /// <summary>Setting names as Set-RdsLicensing.ps1 reports them (docs/guest-contract.md).</summary>
    public const string LicensingModeSetting = "LicensingMode";
    public const string LicenseServersSetting = "SpecifiedLicenseServers";
    public const string RdshFeatureSetting = "RDS-RD-Server";
    public const string LicensingFeatureSetting = "RDS-Licensing";

    /// <summary>Get-WindowsFeature InstallState after Uninstall-WindowsFeature (payload kept).</summary>
    public const string RemovedFeatureState = "Available";

    public static FixPlan Plan(ProbeFacts facts, Diagnosis diagnosis, FixRequest request)
    {
        if (diagnosis.Outcome != VmOutcome.NeedsAttention || diagnosis.FixKind is not { } fixKind)
        {
            return new FixPlan(diagnosis.Outcome, diagnosis.Reason, []);
        }

        if (fixKind == FixKind.RemoveLicensingRole)
        {
            return request.RemoveLicensingRole
                ? WouldFix([new SettingChange(LicensingFeatureSetting, facts.LicensingRole, RemovedFeatureState)])
                : new FixPlan(VmOutcome.NeedsAttention, diagnosis.Reason, []);
        }

        if (request.RemoveRdsh)
        {
            return WouldFix([new SettingChange(RdshFeatureSetting, facts.Rdsh.Feature ?? "Installed", RemovedFeatureState)]);
        }

        return PlanModeAndServers(facts, request);
    }

    private static FixPlan PlanModeAndServers(ProbeFacts facts, FixRequest request)
    {
        var currentMode = facts.EffectiveMode;
        var mode = request.LicensingMode ?? (currentMode is 2 or 4 ? currentMode : null);
        if (mode is null)
        {
            return Attention($"The licensing mode is {(currentMode is { } m ? m.ToString(CultureInfo.InvariantCulture) : "not set")}: "
                + "give `--licensing-mode PerUser` or `--licensing-mode PerDevice` to match the CALs on the license server.");
        }

        var servers = request.LicenseServers.Count > 0 ? request.LicenseServers : null;
        if (servers is null && !Licensing.CheckServers(facts).Any(s => s.Reachable))
        {
            return Attention(facts.EffectiveServers.Count == 0
                ? "No license server is configured and none was given: give `--license-server HOST`, or `--remove-rdsh` if no license server is wanted."
                : $"No configured license server ({string.Join(", ", facts.EffectiveServers)}) is reachable and none was given: "
                  + "give a reachable one with `--license-server HOST`.");
        }

        var changes = new List<SettingChange>();
        if (facts.LicensingMode.Local != mode)
        {
            changes.Add(new SettingChange(LicensingModeSetting, Format(facts.LicensingMode.Local), Format(mode)));
        }

        var localServers = Join(facts.LicenseServers.Local);
        if (servers is not null && !string.Equals(localServers, Join(servers), StringComparison.OrdinalIgnoreCase))
        {
            changes.Add(new SettingChange(LicenseServersSetting, localServers, Join(servers)));
        }

        return changes.Count > 0
            ? WouldFix(changes)
            : Attention("The requested licensing mode and servers are already set but licensing does not work: check the license server itself.");
    }

    private static FixPlan WouldFix(IReadOnlyList<SettingChange> changes)
    {
        var list = string.Join(", ", changes.Select(c => $"{c.Setting} {c.Before ?? "(none)"} -> {c.After ?? "(none)"}"));
        var serverCheck = changes.Any(c => c.Setting == LicenseServersSetting)
            ? " after checking in the guest that the license servers answer on TCP 135"
            : string.Empty;
        return new FixPlan(VmOutcome.WouldFix, $"Fix would set {list}{serverCheck}; a restart makes it take effect.", changes);
    }

    private static FixPlan Attention(string reason) => new(VmOutcome.NeedsAttention, reason, []);

    private static string? Format(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Join(IReadOnlyList<string> servers) => servers.Count == 0 ? null : string.Join(",", servers);
}
