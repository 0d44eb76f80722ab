using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Discovery;

/// <summary>The client-side part of a scope: VM names/ids, tags, resource groups and the shard.</summary>
internal sealed class VmFilter
{
    private readonly DiscoveryScope _scope;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _groups;

    public VmFilter(DiscoveryScope scope)
    {
        _scope = scope;
        _groups = new HashSet<string>(scope.ResourceGroups, StringComparer.OrdinalIgnoreCase);
        foreach (var token in scope.Vms)
        {
            (IsResourceId(token) ? _ids : _names).Add(token);
        }
    }

    public bool OnlyIds => _ids.Count > 0 && _names.Count == 0;

    public IEnumerable<string> Ids => _ids;

    public static bool IsResourceId(string token) => token.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="vm"/> is in scope; <paramref name="matchedToken"/> is the --vm value it matched.</summary>
    public bool Matches(VmRef vm, out string? matchedToken)
    {
        matchedToken = null;
        if (_groups.Count > 0 && !_groups.Contains(vm.ResourceGroup))
        {
            return false;
        }

        if (_names.Count > 0 || _ids.Count > 0)
        {
            if (_ids.TryGetValue(vm.Id, out var id))
            {
                matchedToken = id;
            }
            else if (_names.TryGetValue(vm.Name, out var name))
            {
                matchedToken = name;
            }
            else
            {
                return false;
            }
        }

        foreach (var (key, value) in _scope.Tags)
        {
            if (!vm.Tags.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return _scope.Shard?.Contains(vm.Id) ?? true;
    }
}
