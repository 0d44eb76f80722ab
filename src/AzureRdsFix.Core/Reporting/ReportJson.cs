using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Reporting;

/// <summary>
/// report.json both ways. Written by hand (not by reflection) so that the file is exactly the documented schema:
/// camelCase, enums as strings, null snapshot/channel/error written out, evidence inline, two-space indent, LF.
/// </summary>
public static class ReportJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(RunReport report, TextWriter writer) => new JsonReportWriter().Write(report, writer);

    internal static JsonWriterOptions Options => WriterOptions;

    public static string Write(RunReport report)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(report, text);
        return text.ToString();
    }

    /// <summary>Reads report.json back; throws <see cref="JsonException"/> naming the first thing that does not fit the schema.</summary>
    public static RunReport Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var version = Required(root, "schemaVersion").GetInt32();
        if (version != 1)
        {
            throw new JsonException($"report.json schemaVersion {version} is not supported: expected 1.");
        }

        var tool = Required(root, "tool");
        return new RunReport
        {
            SchemaVersion = version,
            Tool = new ToolInfo(String(tool, "name"), String(tool, "version")),
            RunId = String(root, "runId"),
            Command = String(root, "command"),
            StartedAt = Required(root, "startedAt").GetDateTimeOffset(),
            FinishedAt = Required(root, "finishedAt").GetDateTimeOffset(),
            Vms = [.. Array(root, "vms").Select(ReadVm)],
            ScopeErrors = [.. Array(root, "scopeErrors").Select(e => new ScopeError(String(e, "scope"), String(e, "message")))],
        };
    }

    /// <summary>One VM entry of report.json as a JSON node (the journal stores each VM's final entry this way).</summary>
    public static JsonNode ToNode(VmReport vm)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteVm(json, vm);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!;
    }

    /// <summary>Reads one VM entry written by <see cref="ToNode"/> (or taken from report.json's vms).</summary>
    public static VmReport FromNode(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return ReadVm(document.RootElement);
    }

    /// <summary>Everything before the first VM: the run, its summary, and the opening of "vms".</summary>
    internal static void WriteHeader(Utf8JsonWriter json, RunReport report)
    {
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", report.SchemaVersion);
        json.WriteStartObject("tool");
        json.WriteString("name", report.Tool.Name);
        json.WriteString("version", report.Tool.Version);
        json.WriteEndObject();
        json.WriteString("runId", report.RunId);
        json.WriteString("command", report.Command);
        json.WriteString("startedAt", report.StartedAt);
        json.WriteString("finishedAt", report.FinishedAt);

        var summary = report.Summary;
        json.WriteStartObject("summary");
        json.WriteNumber("total", summary.Total);
        json.WriteStartObject("byOutcome");
        foreach (var outcome in Enum.GetValues<VmOutcome>())
        {
            json.WriteNumber(outcome.ToString(), summary.ByOutcome.TryGetValue(outcome.ToString(), out var count) ? count : 0);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("vms");
    }

    /// <summary>Everything after the last VM: the end of "vms", the scope errors.</summary>
    internal static void WriteFooter(Utf8JsonWriter json, RunReport report)
    {
        json.WriteEndArray();
        json.WriteStartArray("scopeErrors");
        foreach (var error in report.ScopeErrors)
        {
            json.WriteStartObject();
            json.WriteString("scope", error.Scope);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteVm(Utf8JsonWriter json, VmReport vm)
    {
        json.WriteStartObject();
        json.WriteString("id", vm.Id);
        json.WriteString("name", vm.Name);
        json.WriteString("subscriptionId", vm.SubscriptionId);
        json.WriteString("resourceGroup", vm.ResourceGroup);
        json.WriteString("location", vm.Location);
        json.WriteString("outcome", vm.Outcome.ToString());
        json.WriteString("reason", vm.Reason);

        json.WriteStartArray("findings");
        foreach (var finding in vm.Findings)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            json.WriteString("severity", finding.Severity.ToString());
            json.WriteString("title", finding.Title);
            json.WritePropertyName("evidence");
            finding.Evidence.WriteTo(json);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        if (vm.Snapshot is { } snapshot)
        {
            json.WriteStartObject("snapshot");
            json.WriteString("id", snapshot.Id);
            json.WriteString("state", snapshot.State);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("snapshot");
        }

        json.WriteStartArray("changes");
        foreach (var change in vm.Changes)
        {
            json.WriteStartObject();
            json.WriteString("setting", change.Setting);
            json.WriteString("before", change.Before);
            json.WriteString("after", change.After);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("channel", vm.Channel);
        json.WriteNumber("durationMs", vm.DurationMs);
        json.WriteString("error", vm.Error);
        json.WriteEndObject();
    }

    public static VmReport ReadVm(JsonElement vm)
    {
        var snapshot = Optional(vm, "snapshot");
        return new VmReport
        {
            Id = String(vm, "id"),
            Name = String(vm, "name"),
            SubscriptionId = String(vm, "subscriptionId"),
            ResourceGroup = String(vm, "resourceGroup"),
            Location = String(vm, "location"),
            Outcome = Enumeration<VmOutcome>(vm, "outcome"),
            Reason = String(vm, "reason"),
            Findings = [.. Array(vm, "findings").Select(ReadFinding)],
            Snapshot = snapshot is { } s ? new SnapshotInfo(String(s, "id"), String(s, "state")) : null,
            Changes = [.. Array(vm, "changes").Select(c => new SettingChange(String(c, "setting"), NullableString(c, "before"), NullableString(c, "after")))],
            Channel = NullableString(vm, "channel"),
            DurationMs = Optional(vm, "durationMs")?.GetInt64() ?? 0,
            Error = NullableString(vm, "error"),
        };
    }

    private static Finding ReadFinding(JsonElement finding)
    {
        var evidence = Optional(finding, "evidence") is { ValueKind: JsonValueKind.Object } e
            ? JsonNode.Parse(e.GetRawText())!.AsObject()
            : [];
        return new Finding(String(finding, "ruleId"), Enumeration<Severity>(finding, "severity"), String(finding, "title"), evidence);
    }

    private static JsonElement Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new JsonException($"report.json: '{name}' is missing.");

    private static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string String(JsonElement element, string name) =>
        Required(element, name).GetString() ?? string.Empty;

    private static string? NullableString(JsonElement element, string name) => Optional(element, name)?.GetString();

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        Optional(element, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    private static T Enumeration<T>(JsonElement element, string name)
        where T : struct, Enum
    {
        var text = String(element, name);
        return Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new JsonException($"report.json: '{name}' value '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
    }
}
