using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>One shared guest fixture (src/AzureRdsFix.Guest/Fixtures/NAME.json).</summary>
public sealed record GuestFixture(string Name, string? Description, JsonObject Guest, JsonObject? ExpectedProbe)
{
    public GuestState CreateState() => GuestState.Parse(Guest);
}

/// <summary>
/// The guest fixtures embedded from AzureRdsFix.Guest (the same files Pester mocks the guest surface from).
/// <c>remediate-cases.json</c> is a list of cases, not a guest, and is read by <see cref="RemediateCases"/>.
/// </summary>
public static class GuestFixtures
{
    public const string RemediateCasesName = "remediate-cases";
    private const string Prefix = "AzureRdsFix.Simulation.Fixtures.";
    private static readonly Assembly Assembly = typeof(GuestFixtures).Assembly;
    private static readonly ConcurrentDictionary<string, GuestFixture> Cache = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Names { get; } =
    [
        .. Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".json".Length])
            .Where(n => !string.Equals(n, RemediateCasesName, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal),
    ];

    public static bool Exists(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static GuestFixture Get(string name) => Cache.GetOrAdd(name, Load);

    /// <summary>The remediation cases (<c>{"name","fixture","parameters","expectedOutput","expectedRegistryAfter"}</c>).</summary>
    public static JsonArray RemediateCases()
    {
        var node = ReadResource(RemediateCasesName);
        return node as JsonArray ?? node?["cases"] as JsonArray ?? [];
    }

    private static GuestFixture Load(string name)
    {
        var actual = Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException($"There is no guest fixture named '{name}'; known fixtures: {string.Join(", ", Names)}.");
        var node = ReadResource(actual) as JsonObject
            ?? throw new FormatException($"Guest fixture '{actual}' is not a JSON object.");
        var guest = node["guest"] as JsonObject
            ?? throw new FormatException($"Guest fixture '{actual}' has no \"guest\" object.");
        return new GuestFixture(actual, node["description"]?.GetValue<string>(), guest, node["expectedProbe"] as JsonObject);
    }

    private static JsonNode? ReadResource(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + name + ".json");
        return stream is null ? null : JsonNode.Parse(stream, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
    }
}
