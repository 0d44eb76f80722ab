using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>
/// RDS006: Group Policy sets the licensing mode or servers and licensing is not working, so a local repair would not stick.
/// A host whose Group Policy licensing works gets no finding: policy management is not itself a problem.
/// </summary>
public sealed class Rds006GroupPolicyManaged : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS006",
        "GroupPolicyManaged",
        Severity.Warning,
        "Group Policy manages the licensing settings",
        "Group Policy (HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services) sets LicensingMode or "
        + "LicenseServers and licensing does not work; policy wins over local settings and re-applies, so the tool does not "
        + "change them locally.",
        "Fix the GPO \"Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > "
        + "Remote Desktop Session Host > Licensing\" (licensing mode and license servers), then run `gpupdate /force` and re-scan.",
        "NeedsAttention (fix in Group Policy)");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled || !facts.PolicyManaged || Licensing.HasWorkingLicenseServer(facts))
        {
            return [];
        }

        var evidence = new JsonObject
        {
            ["policyMode"] = facts.LicensingMode.Policy,
            ["policyServers"] = Licensing.Strings(facts.LicenseServers.Policy),
            ["mode"] = Licensing.Mode(facts),
            ["servers"] = Licensing.Servers(facts),
            ["domain"] = facts.Domain is null ? null : new JsonObject { ["joined"] = facts.Domain.Joined, ["name"] = facts.Domain.Name },
        };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)];
    }
}
