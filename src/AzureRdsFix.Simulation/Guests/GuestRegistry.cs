using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// The registry of a simulated guest: key path (PowerShell <c>HKLM:\</c> form) → value name → value.
/// Windows compares key paths and value names case-insensitively, and so does this.
/// </summary>
public sealed class GuestRegistry
{
    private readonly Dictionary<string, Dictionary<string, RegistryValue>> _keys = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Keys => _keys.Keys;

    public bool KeyExists(string key) => _keys.ContainsKey(key);

    public RegistryValue? Get(string key, string name) =>
        _keys.TryGetValue(key, out var values) && values.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyDictionary<string, RegistryValue> ValuesOf(string key) =>
        _keys.TryGetValue(key, out var values) ? values : new Dictionary<string, RegistryValue>();

    public void CreateKey(string key)
    {
        if (!_keys.ContainsKey(key))
        {
            _keys[key] = new Dictionary<string, RegistryValue>(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Like <c>New-Item -Force</c> + <c>Set-ItemProperty</c>: creates the key when missing.</summary>
    public void Set(string key, string name, RegistryValue value)
    {
        CreateKey(key);
        _keys[key][name] = value;
    }

    public bool Remove(string key, string name) => _keys.TryGetValue(key, out var values) && values.Remove(name);

    public GuestRegistry Clone()
    {
        var copy = new GuestRegistry();
        foreach (var (key, values) in _keys)
        {
            copy._keys[key] = new Dictionary<string, RegistryValue>(values, StringComparer.OrdinalIgnoreCase);
        }

        return copy;
    }

    public static GuestRegistry Parse(JsonObject? node)
    {
        var registry = new GuestRegistry();
        foreach (var (key, values) in node ?? [])
        {
            registry.CreateKey(key);
            if (values is not JsonObject valueMap)
            {
                throw new FormatException($"Registry key '{key}' must map value names to values.");
            }

            foreach (var (name, value) in valueMap)
            {
                registry.Set(key, name, RegistryValue.Parse(value, $"'{key}\\{name}'"));
            }
        }

        return registry;
    }

    /// <summary>The fixture form, for comparing with a remediation case's <c>expectedRegistryAfter</c>.</summary>
    public JsonObject ToJson()
    {
        var result = new JsonObject();
        foreach (var (key, values) in _keys)
        {
            var valueMap = new JsonObject();
            foreach (var (name, value) in values)
            {
                valueMap[name] = value.ToJson();
            }

            result[key] = valueMap;
        }

        return result;
    }
}
