using System.Text.Json;
using System.Text.Json.Nodes;

namespace AzureRdsFix.Guest.Tests;

/// <summary>The shared guest fixtures (src/AzureRdsFix.Guest/Fixtures, copied beside the test assembly).</summary>
internal static class Fixtures
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static IEnumerable<string> GuestNames() =>
        Directory.EnumerateFiles(Folder, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(n => n != "remediate-cases")
            .Order(StringComparer.Ordinal);

    public static JsonObject Guest(string name) => Load(Path.Combine(Folder, name + ".json")).AsObject();

    /// <summary>The compact JSON the probe prints for this fixture.</summary>
    public static string ExpectedProbeJson(string name) => Guest(name)["expectedProbe"]!.ToJsonString();

    public static JsonArray RemediateCases() => Load(Path.Combine(Folder, "remediate-cases.json")).AsArray();

    public static JsonObject RemediateCase(string name) =>
        RemediateCases().Select(c => c!.AsObject()).Single(c => (string?)c["name"] == name);

    private static JsonNode Load(string path) => JsonNode.Parse(File.ReadAllText(path)) ?? throw new JsonException($"{path} is empty.");
}
