using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Diagnosis;

/// <summary>Runs the rules over one VM's probe facts and turns the findings into an outcome and a reason. Pure.</summary>
public static class Diagnoser
{
    public const string NotApplicableReason = "No RDSH role: RDP licensing does not apply.";

    public static Diagnosis Diagnose(ProbeFacts facts, RuleContext context) => Diagnose(facts, context, RuleCatalog.All);

    public static Diagnosis Diagnose(ProbeFacts facts, RuleContext context, IEnumerable<IRule> rules)
    {
        var findings = rules
            .SelectMany(r => r.Evaluate(facts, context))
            .OrderBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();

        if (!facts.RdshInstalled && findings.Count == 0)
        {
            return new Diagnosis(findings, VmOutcome.NotApplicable, context.NamesLicenseServer(facts.Computer)
                && string.Equals(facts.LicensingRole, "Installed", StringComparison.OrdinalIgnoreCase)
                    ? $"The RD Licensing role is in use: session hosts in this run name {facts.Computer} as their license server, so it is kept."
                    : NotApplicableReason);
        }

        if (!findings.Any(f => f.Severity >= Severity.Warning))
        {
            return new Diagnosis(findings, VmOutcome.Healthy, Reasons.Healthy(facts, findings));
        }

        var fixKind = FixKindFor(facts, findings);
        return new Diagnosis(findings, VmOutcome.NeedsAttention, Reasons.NeedsAttention(facts, findings, fixKind)) { FixKind = fixKind };
    }

    /// <summary>
    /// What `fix` would change: mode and/or servers while licensing does not work and Group Policy does not own it;
    /// the licensing role when RDS008 says it is unused.
    /// </summary>
    internal static string? FixKindFor(ProbeFacts facts, IReadOnlyList<Finding> findings)
    {
        if (!facts.RdshInstalled)
        {
            return findings.Any(f => f.FixableBy == Rules.FixKind.RemoveLicensingRole) ? Rules.FixKind.RemoveLicensingRole : null;
        }

        if (facts.PolicyManaged || Licensing.HasWorkingLicenseServer(facts))
        {
            return null;
        }

        var needMode = !Licensing.IsValidMode(facts.EffectiveMode);
        var needServers = !Licensing.CheckServers(facts).Any(s => s.Reachable);
        return (needMode, needServers) switch
        {
            (true, true) => Rules.FixKind.SetModeAndServers,
            (true, false) => Rules.FixKind.SetMode,
            _ => Rules.FixKind.SetServers,
        };
    }
}
