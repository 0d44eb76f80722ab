using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>
/// RDS008: the RD Licensing role is installed on a VM without RDSH that no session host in the run names as its license
/// server. The probe cannot see hosts outside the run that use it, so removal stays an explicit opt-in.
/// </summary>
public sealed class Rds008LicensingRoleUnused : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS008",
        "LicensingRoleUnused",
        Severity.Warning,
        "RD Licensing role installed but unused",
        "The RD Licensing role (RDS-Licensing) is installed, but this VM is not a session host and no session host in the "
        + "run names it as a license server: an unused license server is an attack surface and a source of confusion.",
        "If no session host outside this run uses it either and it holds no CALs, remove the role "
        + "(`fix --remove-licensing-role`; the tool refuses while Win32_TSLicenseKeyPack shows installed CALs); otherwise "
        + "point those hosts at it explicitly, or move the CALs first.",
        "fix --remove-licensing-role");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!string.Equals(facts.LicensingRole, "Installed", StringComparison.OrdinalIgnoreCase)
            || facts.RdshInstalled
            || context.NamesLicenseServer(facts.Computer))
        {
            return [];
        }

        var evidence = new JsonObject
        {
            ["licensingRole"] = facts.LicensingRole,
            ["keyPacks"] = facts.KeyPacks,
            ["rdsh"] = new JsonObject { ["installState"] = facts.Rdsh.InstallState, ["feature"] = facts.Rdsh.Feature },
            ["computer"] = facts.Computer,
            ["fleetLicenseServers"] = Licensing.Strings(context.FleetLicenseServers.Order(StringComparer.OrdinalIgnoreCase)),
        };
        // Removing a license server whose key packs hold CALs would lose them: then it needs a person, not a fix (the
        // guest script refuses too, and also when it cannot read the key packs).
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)
        {
            FixableBy = facts.KeyPacks is > 0 ? null : FixKind.RemoveLicensingRole,
        }];
    }
}
