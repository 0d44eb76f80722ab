using System.Text.Json.Nodes;

namespace AzureRdsFix.Core.Rules;

/// <summary>One rule's verdict on one VM. Evidence is the probe facts the rule looked at, as JSON.</summary>
public sealed record Finding(string RuleId, Severity Severity, string Title, JsonObject Evidence)
{
    /// <summary>What `fix` can do about it: "SetModeAndServers", "SetMode", "SetServers", "RemoveLicensingRole", or null (NeedsAttention).</summary>
    public string? FixableBy { get; init; }
}
