using System.Collections.Concurrent;
using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// RDS008's fleet check: the license servers that session hosts in this run name (local and Group Policy lists, as each
/// host's probe read them), plus the ones `fix --license-server` is about to set. A VM whose licensing role may be unused
/// is diagnosed only when every other VM of the run has been probed (<see cref="RunEngine"/> defers it), so "no session
/// host in the run uses it" is a fact of the whole run, not of the VMs that happened to finish first.
/// </summary>
public sealed class FleetLicenseServers
{
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.OrdinalIgnoreCase);

    public FleetLicenseServers(IEnumerable<string> seed)
    {
        foreach (var name in seed)
        {
            _names.TryAdd(name, 0);
        }
    }

    /// <summary>A session host's probe: every server it names counts, reachable or not (it still depends on them).</summary>
    public void Observe(ProbeFacts facts)
    {
        if (facts.Rdsh is null || facts.LicenseServers is not { Local: not null, Policy: not null } || !facts.RdshInstalled)
        {
            return; // not a session host, or a guest answer that lacks the parts (diagnosis reports that)
        }

        foreach (var name in facts.LicenseServers.Local.Concat(facts.LicenseServers.Policy))
        {
            _names.TryAdd(name, 0);
        }
    }

    public IReadOnlySet<string> Current => new HashSet<string>(_names.Keys, StringComparer.OrdinalIgnoreCase);

    /// <summary>A VM with the RD Licensing role and no RDSH: whether its role is in use depends on the rest of the run.</summary>
    public static bool DependsOnFleet(ProbeFacts facts)
        => string.Equals(facts.LicensingRole, "Installed", StringComparison.OrdinalIgnoreCase) && facts.Rdsh is not null && !facts.RdshInstalled;
}
