using System.Text.Json;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Simulation.Fleets;

/// <summary>
/// The simulated Azure estate: tenant, subscriptions, VMs with their guests, and the faults to inject. The live state
/// of a running simulator (a test reads a guest's registry after a run through it). Each factory call returns new state.
/// </summary>
public sealed class Fleet
{
    /// <summary>Uneven on purpose, with an empty page that still carries a nextLink (as ARM does).</summary>
    public static readonly IReadOnlyList<int> DefaultPageSizes = [50, 37, 0, 12, 50, 23];

    private readonly List<SimulatedSubscription> _subscriptions = [];
    private readonly Dictionary<string, SimulatedSubscription> _byId = new(StringComparer.OrdinalIgnoreCase);

    internal Fleet(string tenantId, string? licenseServer, FleetFaults faults, IReadOnlyList<int> pageSizes, ThrottleSettings throttle)
    {
        TenantId = tenantId;
        LicenseServer = licenseServer;
        Faults = faults;
        PageSizes = pageSizes;
        Throttle = throttle;
    }

    public string TenantId { get; }

    /// <summary>The license server the fleet's guests can reach on TCP 135 (what to pass to <c>fix --license-server</c>).</summary>
    public string? LicenseServer { get; }

    public FleetFaults Faults { get; }

    /// <summary>VM list page sizes, cycled; a page reaching the end still has a nextLink to one last empty page.</summary>
    public IReadOnlyList<int> PageSizes { get; }

    public ThrottleSettings Throttle { get; }

    public IReadOnlyList<SimulatedSubscription> Subscriptions => _subscriptions;

    public IEnumerable<SimulatedVm> Vms => _subscriptions.SelectMany(s => s.Vms);

    public int VmCount => _subscriptions.Sum(s => s.Vms.Count);

    public SimulatedSubscription? Subscription(string id) => _byId.TryGetValue(id, out var subscription) ? subscription : null;

    /// <summary>The VM whose OS disk has this id (compared case-insensitively, as ARM ids are).</summary>
    public SimulatedVm? VmByOsDiskId(string diskId)
    {
        // "/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/disks/{name}"
        var parts = diskId.Trim('/').Split('/');
        if (parts.Length != 8 || Subscription(parts[1]) is not { } subscription)
        {
            return null;
        }

        return subscription.VmByOsDisk(parts[7]) is { } vm && string.Equals(vm.OsDiskId, diskId, StringComparison.OrdinalIgnoreCase) ? vm : null;
    }

    /// <summary>The first VM with this name (demo names are unique); throws when there is none, to keep tests short.</summary>
    public SimulatedVm Vm(string name) =>
        Vms.FirstOrDefault(vm => string.Equals(vm.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"The fleet has no VM named '{name}'.");

    /// <summary>The built-in demo fleet (Fleets/demo.json): every scan outcome, see docs/simulated-azure.md.</summary>
    public static Fleet Demo()
    {
        using var stream = typeof(Fleet).Assembly.GetManifestResourceStream("AzureRdsFix.Simulation.Fleets.demo.json")
            ?? throw new InvalidOperationException("The demo fleet resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "demo.json");
    }

    /// <summary>Loads a fleet file; a bad file throws <see cref="FleetFormatException"/> with one sentence.</summary>
    public static Fleet LoadFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetFormatException($"Fleet file '{path}' cannot be read: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses fleet JSON; <paramref name="source"/> names it in error messages.</summary>
    public static Fleet Parse(string json, string source)
    {
        FleetFile? file;
        try
        {
            file = JsonSerializer.Deserialize<FleetFile>(json, FleetJson.Options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, {e.Path})" : string.Empty;
            throw new FleetFormatException($"Fleet file '{source}' is not a valid fleet: {FirstSentence(e.Message)}{where}.", e);
        }

        return FleetBuilder.Build(file ?? throw new FleetFormatException($"Fleet file '{source}' is empty."), source);
    }

    /// <summary>A large fleet for the benchmark; see <see cref="FleetGenerator"/>.</summary>
    public static Fleet Generate(int vms, int subscriptions, int seed) => FleetGenerator.Generate(vms, subscriptions, seed);

    internal SimulatedSubscription AddSubscription(string id, string displayName, string state, bool forbidden)
    {
        var subscription = new SimulatedSubscription(id, displayName, state, forbidden);
        if (!_byId.TryAdd(id, subscription))
        {
            throw new FleetFormatException($"Subscription '{id}' appears twice.");
        }

        _subscriptions.Add(subscription);
        return subscription;
    }

    internal static SimulatedVm NewVm(
        SimulatedSubscription subscription, string name, string resourceGroup, string location, OsKind os, PowerState power,
        AgentState agent, string size, IReadOnlyDictionary<string, string> tags, Guests.GuestState? guest, VmFaults faults)
    {
        var vm = new SimulatedVm(subscription, name, resourceGroup, NormalizeLocation(location), os, power, agent, size, tags, guest, faults);
        subscription.Add(vm);
        return vm;
    }

    internal static string NormalizeLocation(string location) => location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static string FirstSentence(string message)
    {
        // System.Text.Json names .NET types in this one; the user wrote JSON, so say it in JSON terms.
        var unmapped = System.Text.RegularExpressions.Regex.Match(message, "The JSON property '([^']*)' could not be mapped");
        if (unmapped.Success)
        {
            return $"unknown property '{unmapped.Groups[1].Value}'";
        }

        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return "a value of the wrong type (text, number, true/false, list or object)";
        }

        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('.');
    }
}

internal static class FleetJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}
