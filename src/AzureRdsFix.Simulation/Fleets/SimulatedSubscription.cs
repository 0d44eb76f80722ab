using System.Collections.Concurrent;

namespace AzureRdsFix.Simulation.Fleets;

/// <summary>A subscription of the simulated fleet: its VMs (in listing order), resource groups and snapshots.</summary>
public sealed class SimulatedSubscription
{
    private readonly List<SimulatedVm> _vms = [];
    private readonly Dictionary<string, SimulatedVm> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _resourceGroups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SimulatedVm> _byOsDisk = new(StringComparer.OrdinalIgnoreCase);

    internal SimulatedSubscription(string id, string displayName, string state, bool forbidden)
    {
        Id = id;
        DisplayName = displayName;
        State = state;
        Forbidden = forbidden;
    }

    public string Id { get; }

    public string DisplayName { get; }

    /// <summary>Enabled, Warned, PastDue, Disabled or Deleted.</summary>
    public string State { get; }

    /// <summary>Every call into a forbidden subscription answers 403 AuthorizationFailed (it is still listed).</summary>
    public bool Forbidden { get; }

    public IReadOnlyList<SimulatedVm> Vms => _vms;

    /// <summary>Resource group names as created (ARM keeps the casing it was created with).</summary>
    public IEnumerable<string> ResourceGroups => _resourceGroups.Values;

    internal ConcurrentDictionary<string, SimulatedSnapshot> Snapshots { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every snapshot made in this subscription, for tests that count them.</summary>
    public IReadOnlyCollection<SimulatedSnapshot> AllSnapshots => (IReadOnlyCollection<SimulatedSnapshot>)Snapshots.Values;

    public string? ResourceGroup(string name) => _resourceGroups.TryGetValue(name, out var actual) ? actual : null;

    public SimulatedVm? Vm(string resourceGroup, string name) => _byName.TryGetValue(Key(resourceGroup, name), out var vm) ? vm : null;

    /// <summary>The VM whose OS disk has this name (any resource group; the caller checks the full id).</summary>
    public SimulatedVm? VmByOsDisk(string diskName) => _byOsDisk.TryGetValue(diskName, out var vm) ? vm : null;

    public IEnumerable<SimulatedVm> VmsIn(string resourceGroup) =>
        _vms.Where(vm => string.Equals(vm.ResourceGroup, resourceGroup, StringComparison.OrdinalIgnoreCase));

    public SimulatedSnapshot? Snapshot(string resourceGroup, string name) =>
        Snapshots.TryGetValue(Key(resourceGroup, name), out var snapshot) ? snapshot : null;

    internal void Add(SimulatedVm vm)
    {
        if (!_byName.TryAdd(Key(vm.ResourceGroup, vm.Name), vm))
        {
            throw new FleetFormatException($"Subscription '{Id}' has two VMs named '{vm.Name}' in resource group '{vm.ResourceGroup}'.");
        }

        _vms.Add(vm);
        _byOsDisk[vm.OsDiskName] = vm;
        _resourceGroups.TryAdd(vm.ResourceGroup, vm.ResourceGroup);
    }

    internal static string Key(string resourceGroup, string name) => resourceGroup + "/" + name;
}
