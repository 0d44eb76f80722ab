using System.Globalization;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Diagnosis;

/// <summary>The one-sentence reasons of a diagnosis: the main problem (with its rule id), then what to do about it.</summary>
internal static class Reasons
{
    public static string Healthy(ProbeFacts facts, IReadOnlyList<Finding> findings)
    {
        var reachable = Licensing.CheckServers(facts).Where(s => s.Reachable).Select(s => s.Host).ToList();
        var sentence = $"RDSH licensing is sound: licensing mode {Licensing.DescribeMode(facts.EffectiveMode)}, "
            + $"license server {string.Join(", ", reachable)} reachable";
        return findings.Any(f => f.RuleId == "RDS010")
            ? sentence + "; lockout events from the last 30 days remain in the log (RDS010)."
            : sentence + ".";
    }

    public static string NeedsAttention(ProbeFacts facts, IReadOnlyList<Finding> findings, string? fixKind)
    {
        var main = RuleCatalog.MainFinding(findings)!;
        var problem = Capitalise(Problem(main.RuleId, facts)) + $" ({main.RuleId})";
        var remedy = findings.Any(f => f.RuleId == "RDS006") && main.RuleId != "RDS006"
            ? $"{PolicySettings(facts)}, so fix it in Group Policy (RDS006)"
            : Remedy(main.RuleId, fixKind, Licensing.CheckServers(facts).Count(s => !s.Reachable));
        return $"{problem}; {remedy}.";
    }

    private static string Problem(string ruleId, ProbeFacts facts) => ruleId switch
    {
        "RDS001" => "RDP is refused: " + Sentence(["the grace period is over", .. WhyNotWorking(facts)]),
        "RDS002" => Sentence([$"the grace period ends in {Days(facts.GraceDays ?? 0)}", .. WhyNotWorking(facts)]),
        "RDS003" => ModeProblem(facts.EffectiveMode),
        "RDS004" => "no license server is specified",
        "RDS005" => ServerProblem(Licensing.CheckServers(facts).Where(s => !s.Reachable).ToList()),
        "RDS006" => PolicySettings(facts),
        "RDS007" => "the license server runs an older Windows Server version than this session host",
        "RDS008" => "the RD Licensing role is installed but this VM is not a session host and no session host in the run uses it",
        _ => RuleCatalog.Find(ruleId)?.Metadata.Title ?? ruleId,
    };

    private static string Remedy(string ruleId, string? fixKind, int unreachable) => fixKind switch
    {
        FixKind.SetModeAndServers => "`fix --license-server HOST --licensing-mode PerUser|PerDevice` can repair it"
            + (ruleId == "RDS001" ? " (or `fix --remove-rdsh` if no license server is wanted)" : string.Empty),
        FixKind.SetServers => "`fix --license-server HOST` can repair it",
        FixKind.SetMode => "`fix --licensing-mode PerUser|PerDevice` can repair it",
        FixKind.RemoveLicensingRole => "`fix --remove-licensing-role` can remove it if no session host outside this run uses it",
        _ => ruleId switch
        {
            "RDS005" => $"make {(unreachable == 1 ? "it" : "them")} reachable from the VM (DNS, TCP 135) or name another with `fix --license-server HOST`",
            "RDS007" => "move licensing to a license server at least as new as this session host",
            _ => "see the rule's recommendation",
        },
    };

    private static List<string> WhyNotWorking(ProbeFacts facts)
    {
        var checks = Licensing.CheckServers(facts);
        var parts = new List<string>();
        if (checks.Count == 0)
        {
            parts.Add("no license server is configured");
        }
        else if (!checks.Any(s => s.Reachable))
        {
            parts.Add(ServerProblem(checks));
        }

        if (!Licensing.IsValidMode(facts.EffectiveMode))
        {
            parts.Add(facts.EffectiveMode is { } mode
                ? $"the licensing mode is {mode.ToString(CultureInfo.InvariantCulture)}"
                : "the licensing mode is not set");
        }

        return parts;
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    private static string Sentence(IReadOnlyList<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    private static string ModeProblem(int? mode) => mode is null
        ? "the licensing mode is not set"
        : $"the licensing mode is {mode.Value.ToString(CultureInfo.InvariantCulture)}, not Per User (4) or Per Device (2)";

    private static string ServerProblem(IReadOnlyList<ServerCheck> failing) => failing.Count == 1
        ? $"license server {failing[0].Host} {failing[0].Problem}"
        : $"license servers {string.Join(", ", failing.Select(s => s.Host))} are unreachable";

    private static string PolicySettings(ProbeFacts facts)
    {
        var mode = facts.LicensingMode.Policy is { } m ? $"the licensing mode ({m.ToString(CultureInfo.InvariantCulture)})" : null;
        var servers = facts.LicenseServers.Policy.Count > 0 ? $"servers ({string.Join(", ", facts.LicenseServers.Policy)})" : null;
        var what = (mode, servers) switch
        {
            (not null, not null) => $"{mode} and {servers}",
            (not null, null) => mode,
            _ => "the license " + servers,
        };
        return $"Group Policy sets {what}";
    }

    private static string Days(int days) => days == 1 ? "1 day" : $"{days.ToString(CultureInfo.InvariantCulture)} days";

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
