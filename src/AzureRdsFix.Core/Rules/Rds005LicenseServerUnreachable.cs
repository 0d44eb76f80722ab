using System.Text.Json.Nodes;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Rules;

/// <summary>RDS005: an effective license server does not resolve in DNS or does not answer on TCP 135 from the guest.</summary>
public sealed class Rds005LicenseServerUnreachable : IRule
{
    public RuleMetadata Metadata { get; } = new(
        "RDS005",
        "LicenseServerUnreachable",
        Severity.Warning,
        "Specified license server unreachable (DNS or TCP 135)",
        "A license server the session host is told to use (Group Policy list if set, else the local list) does not resolve "
        + "in DNS, or refuses or does not answer TCP 135 (RPC endpoint mapper) within the probe's timeout (3 s for the "
        + "lookup and 3 s for the connect) from inside the VM.",
        "Make the license server reachable from the VM (DNS, NSG/firewall rules for TCP 135 and the RPC dynamic ports), "
        + "or specify one that is (`fix --license-server HOST`).",
        "NeedsAttention");

    public IEnumerable<Finding> Evaluate(ProbeFacts facts, RuleContext context)
    {
        if (!facts.RdshInstalled)
        {
            return [];
        }

        var checks = Licensing.CheckServers(facts);
        var failing = checks.Where(s => !s.Reachable).ToList();
        if (failing.Count == 0)
        {
            return [];
        }

        var evidence = new JsonObject
        {
            ["servers"] = Licensing.Servers(facts),
            ["reach"] = Licensing.Reach(facts),
            ["unreachable"] = Licensing.Strings(failing.Select(s => s.Host)),
            ["anyReachable"] = failing.Count < checks.Count,
            ["policyManaged"] = facts.LicenseServers.Policy.Count > 0,
        };
        return [new Finding(Metadata.Id, Metadata.Severity, Metadata.Title, evidence)];
    }
}
