using System.Text.Json;
using System.Text.Json.Serialization;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Core.Journal;

/// <summary>The one serializer of journal events: source-generated, camelCase, nulls left out, enums by their wire names.</summary>
public static class JournalJson
{
    /// <summary>Version 2: typed events (docs/journal.md). Version 1 (free-form "step" entries) is not read.</summary>
    public const int SchemaVersion = 2;

    public static byte[] Serialize(JournalEvent journalEvent) => JsonSerializer.SerializeToUtf8Bytes(journalEvent, JournalJsonContext.Default.JournalEvent);

    /// <summary>One journal line; <see cref="JsonException"/> when it is not one (NotSupportedException for an unknown type is turned into one).</summary>
    public static JournalEvent Deserialize(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalEvent) ?? throw new JsonException("null record");
        }
        catch (NotSupportedException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(JsonStringEnumConverter<Model.OsKind>), typeof(JsonStringEnumConverter<Model.PowerState>), typeof(JsonStringEnumConverter<Model.AgentState>)])]
[JsonSerializable(typeof(JournalEvent))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;

/// <summary>A VM's report inside a journal record has exactly the shape of its entry in report.json.</summary>
public sealed class VmReportJsonConverter : JsonConverter<VmReport>
{
    public override VmReport Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return ReportJson.ReadVm(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, VmReport value, JsonSerializerOptions options) => ReportJson.WriteVm(writer, value);
}
