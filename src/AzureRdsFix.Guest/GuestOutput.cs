using System.Text;
using System.Text.Json;
using AzureRdsFix.Core.Guest;

namespace AzureRdsFix.Guest;

/// <summary>Either the typed value a guest script reported, or one sentence saying why there is none.</summary>
public sealed record GuestOutput<T>(T? Value, string? Error)
    where T : class
{
    public bool Succeeded => Value is not null;
}

/// <summary>
/// Reads the one <c>AZRDSFIX &lt;kind&gt; {json}</c> line a guest script prints. Run Command keeps only the last 4,096
/// bytes of stdout without saying so, so a missing or cut line is reported as such instead of being half-parsed.
/// </summary>
public static class GuestOutput
{
    /// <summary>Run Command's stdout/stderr cap (bytes).</summary>
    public const int RunCommandOutputLimit = 4096;

    private const string Marker = "AZRDSFIX ";
    private const int TailLength = 160;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    public static GuestOutput<T> Parse<T>(GuestRunResult run, string kind)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var script = ScriptName(kind);
        var lines = (run.StdOut ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

        var errorLine = lines.LastOrDefault(l => l.StartsWith(Marker + GuestScripts.ErrorKind + " ", StringComparison.Ordinal));
        if (errorLine is not null)
        {
            return Fail<T>($"The {script} failed in the guest: {ErrorMessage(errorLine)}");
        }

        var prefix = Marker + kind + " ";
        var line = lines.LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (line is null)
        {
            return Fail<T>(MissingLine(run, kind, script));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(line[prefix.Length..].Trim(), Options);
            return value is null ? Fail<T>($"The {script} printed 'AZRDSFIX {kind} null' instead of a JSON object.") : new GuestOutput<T>(value, null);
        }
        catch (JsonException ex)
        {
            return Fail<T>($"The {script}'s 'AZRDSFIX {kind}' line does not parse as JSON ({ex.Message.Split('.')[0]}); it was probably cut by Run Command, which keeps only the last {RunCommandOutputLimit} bytes of output.");
        }
    }

    private static string MissingLine(GuestRunResult run, string kind, string script)
    {
        var stdOut = (run.StdOut ?? string.Empty).TrimEnd();
        var stdErr = (run.StdErr ?? string.Empty).Trim();
        if (stdErr.Length > 0)
        {
            return $"The {script} printed no 'AZRDSFIX {kind}' line and wrote to stderr: {OneLine(stdErr, fromStart: true)}";
        }

        if (Encoding.UTF8.GetByteCount(stdOut) >= RunCommandOutputLimit - 64)
        {
            return $"The {script}'s 'AZRDSFIX {kind}' line was cut: Run Command kept only the last {RunCommandOutputLimit} bytes of output, which end with: {OneLine(stdOut, fromStart: false)}";
        }

        return stdOut.Length == 0
            ? $"The {script} printed no 'AZRDSFIX {kind}' line; stdout was empty."
            : $"The {script} printed no 'AZRDSFIX {kind}' line; stdout ended with: {OneLine(stdOut, fromStart: false)}";
    }

    private static string ErrorMessage(string errorLine)
    {
        var json = errorLine[(Marker.Length + GuestScripts.ErrorKind.Length + 1)..].Trim();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                // The message may be localized; the id (FullyQualifiedErrorId, HResult) is not, so it goes beside it.
                var text = message.GetString() ?? string.Empty;
                return document.RootElement.TryGetProperty("errorId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } idText
                    ? $"{text} [{idText}]"
                    : text;
            }
        }
        catch (JsonException)
        {
            // Not the documented shape: show the raw text below.
        }

        return OneLine(json, fromStart: true);
    }

    private static string ScriptName(string kind) => kind switch
    {
        GuestScripts.ProbeKind => "probe",
        GuestScripts.RemediationKind => "remediation script",
        _ => $"'{kind}' script",
    };

    private static string OneLine(string text, bool fromStart)
    {
        var flat = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (flat.Length <= TailLength)
        {
            return flat;
        }

        return fromStart ? flat[..TailLength] + "…" : "…" + flat[^TailLength..];
    }

    private static GuestOutput<T> Fail<T>(string error)
        where T : class => new(null, error);
}
