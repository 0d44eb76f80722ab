namespace AzureRdsFix.Simulation.Fleets;

/// <summary>An incremental snapshot made through the simulated DiskRP. Ready once <see cref="ReadyAt"/> has passed.</summary>
public sealed record SimulatedSnapshot(
    string SubscriptionId,
    string ResourceGroup,
    string Name,
    string Location,
    string SourceResourceId,
    SimulatedVm SourceVm,
    bool Incremental,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset TimeCreated,
    DateTimeOffset ReadyAt,
    Guid UniqueId,
    string? DiskEncryptionSetId = null)
{
    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/snapshots/{Name}";
}
