namespace AzureRdsFix.Azure.Discovery;

/// <summary>Streams the VMs in scope; never holds the fleet in memory and never throws for one bad part of the scope.</summary>
public interface IFleetDiscovery
{
    IAsyncEnumerable<DiscoveryItem> DiscoverAsync(DiscoveryScope scope, CancellationToken cancellationToken);
}
