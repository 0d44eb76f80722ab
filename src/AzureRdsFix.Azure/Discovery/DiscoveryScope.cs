using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Discovery;

/// <summary>
/// What to discover. Empty lists mean "no restriction"; no subscriptions means every usable (Enabled, Warned, PastDue) subscription the identity
/// sees. <see cref="Vms"/> holds VM names or full resource ids; <see cref="Tags"/> must all match (case-insensitive key,
/// exact value, as ARM compares tags).
/// </summary>
public sealed record DiscoveryScope
{
    public IReadOnlyList<string> Subscriptions { get; init; } = [];

    public IReadOnlyList<string> ResourceGroups { get; init; } = [];

    public IReadOnlyList<string> Vms { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    public Shard? Shard { get; init; }
}
