namespace AzureRdsFix.Core.Model;

/// <summary>A virtual machine in scope, as discovery saw it. Ids compare case-insensitively.</summary>
public sealed record VmRef(
    string Id,
    string Name,
    string SubscriptionId,
    string ResourceGroup,
    string Location,
    IReadOnlyDictionary<string, string> Tags)
{
    public static readonly StringComparer IdComparer = StringComparer.OrdinalIgnoreCase;

    public bool Equals(VmRef? other) => other is not null && IdComparer.Equals(Id, other.Id);

    public override int GetHashCode() => IdComparer.GetHashCode(Id);
}
