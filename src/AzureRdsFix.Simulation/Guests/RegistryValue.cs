using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>The registry value types the guest contract uses.</summary>
public enum RegistryValueType { DWord, String, MultiString }

/// <summary>
/// One registry value of a simulated guest, in the fixture form <c>{"type": "DWord", "value": 5}</c>.
/// Immutable, so a fixture's registry can be shared by thousands of generated VMs until one of them is written to.
/// </summary>
public sealed record RegistryValue
{
    private RegistryValue(RegistryValueType type, long? dword, string? text, IReadOnlyList<string>? lines)
    {
        Type = type;
        DWord = dword;
        Text = text;
        Lines = lines;
    }

    public RegistryValueType Type { get; }

    public long? DWord { get; }

    public string? Text { get; }

    public IReadOnlyList<string>? Lines { get; }

    public static RegistryValue FromDWord(long value) => new(RegistryValueType.DWord, value, null, null);

    public static RegistryValue FromString(string value) => new(RegistryValueType.String, null, value, null);

    public static RegistryValue FromMultiString(IEnumerable<string> value) => new(RegistryValueType.MultiString, null, null, [.. value]);

    /// <summary>Parses the fixture form; throws <see cref="FormatException"/> with one sentence on a bad value.</summary>
    public static RegistryValue Parse(JsonNode? node, string where)
    {
        if (node is not JsonObject obj || obj["type"]?.GetValue<string>() is not { } type)
        {
            throw new FormatException($"Registry value {where} must be an object with \"type\" and \"value\".");
        }

        var value = obj["value"];
        return type switch
        {
            "DWord" when value is JsonValue v && v.TryGetValue<long>(out var number) => FromDWord(number),
            "String" when value is JsonValue v && v.TryGetValue<string>(out var text) => FromString(text),
            "MultiString" when value is JsonArray array => FromMultiString(array.Select(item => item?.GetValue<string>() ?? string.Empty)),
            _ => throw new FormatException($"Registry value {where} has type '{type}' with a value that does not fit it (DWord: number, String: text, MultiString: list of text)."),
        };
    }

    public JsonObject ToJson() => new()
    {
        ["type"] = Type.ToString(),
        ["value"] = Type switch
        {
            RegistryValueType.DWord => JsonValue.Create(DWord),
            RegistryValueType.String => JsonValue.Create(Text),
            _ => new JsonArray([.. Lines!.Select(line => (JsonNode?)JsonValue.Create(line))]),
        },
    };

    /// <summary>How the remediation script reports a value: DWORD as decimal, lists comma-joined.</summary>
    public string AsReportString() => Type switch
    {
        RegistryValueType.DWord => DWord!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        RegistryValueType.String => Text!,
        _ => string.Join(',', Lines!),
    };
}
