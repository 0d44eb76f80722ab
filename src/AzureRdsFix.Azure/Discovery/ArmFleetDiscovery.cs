using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using Azure.ResourceManager.Resources.Models;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Azure.Discovery;

/// <summary>
/// Lists VMs through ARM, one subscription (or resource group) at a time, following nextLink pages as they come.
/// VMs named by full resource id (and nothing broader) are read one by one instead of listing whole subscriptions.
/// </summary>
public sealed class ArmFleetDiscovery(ArmClient client) : IFleetDiscovery
{
    public async IAsyncEnumerable<DiscoveryItem> DiscoverAsync(DiscoveryScope scope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var filter = new VmFilter(scope);
        var matchedTokens = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        var groups = new GroupSearch(scope.Subscriptions.Count == 0);
        IAsyncEnumerable<DiscoveryItem> source = filter.OnlyIds && scope.ResourceGroups.Count == 0
            ? ReadByIdAsync(scope, filter, cancellationToken)
            : ListAsync(scope, groups, cancellationToken);

        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            if (item is DiscoveredVm vm)
            {
                var inScope = filter.Matches(vm.Vm, out var token);
                if (token is not null)
                {
                    // Matched by name or id: found, even if a tag or the shard then leaves it out.
                    matchedTokens.Add(token);
                }

                if (!inScope)
                {
                    continue;
                }
            }

            yield return item;
        }

        foreach (var missing in groups.FoundNowhere())
        {
            yield return missing;
        }

        foreach (var token in scope.Vms.Where(t => !matchedTokens.Contains(t)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            yield return new DiscoveryFailure(
                new ScopeError(token, $"VM '{token}' was not found in the scope that could be listed."),
                AzureErrorKind.Failed);
        }
    }

    /// <summary>Subscriptions listed at once: their VMs reach the workers interleaved, so each one's budget is used.</summary>
    private const int ConcurrentSubscriptions = 4;

    /// <summary>VMs discovered ahead of the workers, at most.</summary>
    private const int DiscoveryBuffer = 256;

    private IAsyncEnumerable<DiscoveryItem> ListAsync(DiscoveryScope scope, GroupSearch groups, CancellationToken cancellationToken)
        => AsyncMerge.InterleaveAsync(PerSubscriptionAsync(scope, groups, cancellationToken), ConcurrentSubscriptions, DiscoveryBuffer, cancellationToken);

    private async IAsyncEnumerable<IAsyncEnumerable<DiscoveryItem>> PerSubscriptionAsync(DiscoveryScope scope, GroupSearch groups, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriptions = scope.Subscriptions.Count > 0
            ? NamedSubscriptionsAsync(scope.Subscriptions, cancellationToken)
            : VisibleSubscriptionsAsync(cancellationToken);

        await foreach (var subscription in subscriptions.WithCancellation(cancellationToken))
        {
            yield return subscription.Failure is not null
                ? One(subscription.Failure)
                : ListSubscriptionAsync(scope, subscription.Id!, groups, cancellationToken);
        }
    }

    private async IAsyncEnumerable<DiscoveryItem> ListSubscriptionAsync(DiscoveryScope scope, string subscriptionId, GroupSearch groups, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (scope.ResourceGroups.Count == 0)
        {
            var resource = client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(subscriptionId));
            var pages = resource.GetVirtualMachinesAsync(statusOnly: null, filter: null, cancellationToken: cancellationToken);
            await foreach (var item in GuardAsync(pages, $"subscription {subscriptionId}", $"list the VMs of subscription {subscriptionId}", cancellationToken))
            {
                yield return item;
            }

            yield break;
        }

        foreach (var group in scope.ResourceGroups.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var resourceGroup = client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(subscriptionId, group));
            var pages = resourceGroup.GetVirtualMachines().GetAllAsync(filter: null, cancellationToken: cancellationToken);
            var scopeName = $"subscription {subscriptionId} resource group {group}";
            var notFound = false;
            var failed = false;
            await foreach (var item in GuardAsync(pages, scopeName, $"list the VMs of resource group {group} in subscription {subscriptionId}", cancellationToken, groups.Implicit ? e => notFound = IsGroupNotFound(e) : null))
            {
                failed |= item is DiscoveryFailure;
                yield return item;
            }

            groups.Searched(group, found: !notFound && !failed, notFound);
        }
    }

    private static async IAsyncEnumerable<DiscoveryItem> One(DiscoveryItem item)
    {
        await Task.CompletedTask;
        yield return item;
    }

    private async IAsyncEnumerable<DiscoveryItem> ReadByIdAsync(DiscoveryScope scope, VmFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var namedSubscriptions = new HashSet<string>(scope.Subscriptions, StringComparer.OrdinalIgnoreCase);
        foreach (var id in filter.Ids)
        {
            if (!ResourceIdentifier.TryParse(id, out var resourceId) || resourceId?.SubscriptionId is null)
            {
                yield return new DiscoveryFailure(new ScopeError(id, $"VM '{id}' is not a valid resource id."), AzureErrorKind.Failed);
                continue;
            }

            if (namedSubscriptions.Count > 0 && !namedSubscriptions.Contains(resourceId.SubscriptionId))
            {
                continue;
            }

            DiscoveryItem item;
            try
            {
                var response = await client.GetVirtualMachineResource(resourceId).GetAsync(expand: null, cancellationToken);
                item = ToItem(response.Value.Data);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Reported at the end as "not found", like a name that matched nothing.
                continue;
            }
            catch (RequestFailedException e)
            {
                var failure = AzureErrors.Translate(e, $"read VM {id}");
                item = new DiscoveryFailure(new ScopeError(id, failure.Message), failure.Kind);
            }

            yield return item;
        }
    }

    private async IAsyncEnumerable<SubscriptionPick> NamedSubscriptionsAsync(IReadOnlyList<string> named, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var collection = client.GetSubscriptions();
        foreach (var id in named.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            SubscriptionPick pick;
            try
            {
                var response = await collection.GetAsync(id, cancellationToken);
                var data = response.Value.Data;
                pick = IsUsable(data.State)
                        ? new SubscriptionPick(data.SubscriptionId ?? id, null)
                        : new SubscriptionPick(null, Skipped(data.SubscriptionId ?? id, data.DisplayName, data.State));
            }
            catch (RequestFailedException e) when (e.Status is 404 || (e.Status == 403 && e.ErrorCode is "SubscriptionNotFound" or "InvalidSubscriptionId"))
            {
                pick = NotFound(id);
            }
            catch (RequestFailedException e)
            {
                var failure = AzureErrors.Translate(e, $"read subscription {id}");
                pick = new SubscriptionPick(null, new DiscoveryFailure(new ScopeError($"subscription {id}", failure.Message), failure.Kind));
            }

            yield return pick;
        }
    }

    private async IAsyncEnumerable<SubscriptionPick> VisibleSubscriptionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var pages = client.GetSubscriptions().GetAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            SubscriptionPick? pick = null;
            try
            {
                if (!await pages.MoveNextAsync())
                {
                    yield break;
                }

                var data = pages.Current.Data;
                if (data.SubscriptionId is not null)
                {
                    pick = IsUsable(data.State)
                        ? new SubscriptionPick(data.SubscriptionId, null)
                        : new SubscriptionPick(null, Skipped(data.SubscriptionId, data.DisplayName, data.State), Stop: false);
                }
            }
            catch (RequestFailedException e)
            {
                var failure = AzureErrors.Translate(e, "list the subscriptions this identity can see");
                pick = new SubscriptionPick(null, new DiscoveryFailure(new ScopeError("subscriptions", failure.Message), failure.Kind));
            }
            catch (ArgumentOutOfRangeException e) when (e.Message.Contains("SubscriptionState", StringComparison.Ordinal))
            {
                // Azure.ResourceManager 1.7.0 knows Enabled, Warned, PastDue, Disabled and Deleted only (the REST spec's
                // enum); Learn also lists Expired. A state it cannot read ends the listing: say so, and how to go on.
                pick = new SubscriptionPick(null, new DiscoveryFailure(
                    new ScopeError("subscriptions", "Could not list the subscriptions this identity can see: one of them is in a state this Azure SDK cannot read (e.g. Expired); name the subscriptions to scan with --subscription."),
                    AzureErrorKind.Failed));
            }

            if (pick is not null)
            {
                yield return pick;
                if (pick.Failure is not null && pick.Stop)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Streams one listing; a failure anywhere in it becomes one <see cref="DiscoveryFailure"/> and ends that listing only.</summary>
    private static async IAsyncEnumerable<DiscoveryItem> GuardAsync(
        AsyncPageable<VirtualMachineResource> pages,
        string scopeName,
        string action,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        Func<RequestFailedException, bool>? notAnError = null)
    {
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            DiscoveryItem item;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }

                item = ToItem(enumerator.Current.Data);
            }
            catch (RequestFailedException e) when (notAnError?.Invoke(e) == true)
            {
                yield break;
            }
            catch (RequestFailedException e)
            {
                item = ScopeFailure(e, scopeName, action);
            }

            yield return item;
            if (item is DiscoveryFailure)
            {
                yield break;
            }
        }
    }

    private static bool IsGroupNotFound(RequestFailedException e) => e.Status == 404 && e.ErrorCode == "ResourceGroupNotFound";

    private static DiscoveryFailure ScopeFailure(RequestFailedException e, string scopeName, string action)
    {
        var failure = e.ErrorCode == "ResourceGroupNotFound"
            ? new AzureFailure(AzureErrorKind.Failed, $"Could not {action}: the resource group was not found (404 ResourceGroupNotFound).", e.Status, e.ErrorCode)
            : AzureErrors.Translate(e, action);
        return new DiscoveryFailure(new ScopeError(scopeName, failure.Message), failure.Kind);
    }

    internal static DiscoveredVm ToItem(VirtualMachineData data)
    {
        var id = data.Id!;
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in data.Tags)
        {
            tags[key] = value;
        }

        var vm = new VmRef(id.ToString(), data.Name, id.SubscriptionId ?? string.Empty, id.ResourceGroupName ?? string.Empty, data.Location.Name, tags);
        var osDisk = data.StorageProfile?.OSDisk;
        // Learn "Ephemeral OS disks for Azure VMs": diffDiskSettings { option: Local } marks an OS disk kept on the host's
        // cache/temp/NVMe disk; it is no managed disk resource and "ephemeral OS disks don't support ... snapshots".
        var ephemeral = osDisk?.DiffDiskSettings?.Option == DiffDiskOption.Local;
        return new DiscoveredVm(vm, ToOsKind(osDisk?.OSType), ephemeral ? null : osDisk?.ManagedDisk?.Id?.ToString(), ephemeral);
    }

    internal static OsKind ToOsKind(SupportedOperatingSystemType? type) =>
        type == SupportedOperatingSystemType.Windows ? OsKind.Windows
        : type == SupportedOperatingSystemType.Linux ? OsKind.Linux
        : OsKind.Unknown;

    /// <summary>
    /// Learn "Azure subscription states": Active/Enabled, Warned and Past due subscriptions keep their resources usable;
    /// Disabled, Expired and Deleted ones do not (resources are deallocated or read-only). Only those are skipped.
    /// An unknown future state is scanned: a refusal from ARM is then reported like any other.
    /// </summary>
    public static bool IsUsable(SubscriptionState? state) =>
        state is not (SubscriptionState.Disabled or SubscriptionState.Deleted);

    private static DiscoveryFailure Skipped(string id, string? displayName, SubscriptionState? state) => new(
        new ScopeError(
            $"subscription {id}",
            $"Subscription {id}{(string.IsNullOrEmpty(displayName) || displayName == id ? string.Empty : $" ({displayName})")} is {state}: Azure keeps its VMs deallocated or read-only, so it was skipped and none of its VMs were scanned."),
        AzureErrorKind.Failed);

    private static SubscriptionPick NotFound(string id) => new(null, new DiscoveryFailure(
        new ScopeError($"subscription {id}", $"Subscription {id} was not found or is not visible to this identity."),
        AzureErrorKind.Auth));

    /// <summary>
    /// --resource-group without --subscription: the group is looked for in every subscription, and a subscription that
    /// answers 404 ResourceGroupNotFound simply does not hold it. Only a group found in none of them is a scope error.
    /// </summary>
    private sealed class GroupSearch(bool implicitSubscriptions)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool Found, bool NotFound)> _groups = new(StringComparer.OrdinalIgnoreCase);

        public bool Implicit => implicitSubscriptions;

        /// <summary>Found: listed in this subscription; not found: its 404 ResourceGroupNotFound (a refusal is neither).</summary>
        public void Searched(string group, bool found, bool notFound)
            => _groups.AddOrUpdate(group, (found, notFound), (_, before) => (before.Found || found, before.NotFound || notFound));

        public IEnumerable<DiscoveryFailure> FoundNowhere() => _groups
            .Where(g => !g.Value.Found && g.Value.NotFound)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new DiscoveryFailure(
                new ScopeError($"resource group {g.Key}", $"Resource group '{g.Key}' was not found in any subscription this identity can list (404 ResourceGroupNotFound in each that answered)."),
                AzureErrorKind.Failed));
    }

    /// <summary>A subscription to list, or why not; <paramref name="Stop"/>: the failure ends the subscription listing.</summary>
    private sealed record SubscriptionPick(string? Id, DiscoveryFailure? Failure, bool Stop = true);
}
