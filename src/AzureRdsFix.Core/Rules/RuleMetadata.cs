namespace AzureRdsFix.Core.Rules;

/// <summary>Catalogue entry of a rule: stable id (never reused), name, severity, and what to tell the operator.</summary>
public sealed record RuleMetadata(
    string Id,
    string Name,
    Severity Severity,
    string Title,
    string Synopsis,
    string Recommendation,
    string FixableBy)
{
    public string HelpPath => $"docs/rules/{Id}.md";
}
