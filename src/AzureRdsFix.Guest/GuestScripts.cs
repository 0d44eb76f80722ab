using AzureRdsFix.Core.Guest;

namespace AzureRdsFix.Guest;

/// <summary>
/// The in-guest scripts (embedded from Scripts/*.ps1) as Run Command requests. Each script is sent composed: its
/// <c>#AZRDSFIX-INCLUDE name</c> line replaced by the text of the shared helpers file (Scripts/*.Include.ps1), so that
/// both scripts carry one copy of the helpers (DESIGN.md "In-guest scripts"). Parameters travel as Run Command
/// parameters and are never pasted into the script text, so the text sent is always exactly the composed script.
/// </summary>
public static class GuestScripts
{
    public const string ProbeScriptName = "Get-RdsLicensingState.ps1";
    public const string RemediationScriptName = "Set-RdsLicensing.ps1";
    public const string ProbeKind = "probe";
    public const string RemediationKind = "remediate";
    public const string ErrorKind = "error";

    /// <summary>First line of each script; the simulator recognises a script by it.</summary>
    public const string ProbeHeader = "# AZRDSFIX-SCRIPT Get-RdsLicensingState v1";
    public const string RemediationHeader = "# AZRDSFIX-SCRIPT Set-RdsLicensing v1";

    /// <summary>A whole line naming an include file; composition replaces it with that file's text.</summary>
    public const string IncludeDirective = "#AZRDSFIX-INCLUDE ";

    private const string IncludeSuffix = ".Include.ps1";

    private static readonly Lazy<IReadOnlyList<string>> ProbeLines = new(() => ComposeLines(ProbeScriptName));
    private static readonly Lazy<IReadOnlyList<string>> RemediationLines = new(() => ComposeLines(RemediationScriptName));

    /// <summary>The read-only probe (prints <c>AZRDSFIX probe {json}</c>).</summary>
    public static GuestScriptRequest Probe() => new(ProbeScriptName, ProbeKind, ProbeLines.Value, []);

    /// <summary>The remediation (prints <c>AZRDSFIX remediate {json}</c>) with its parameters; throws on invalid parameters.</summary>
    public static GuestScriptRequest Remediate(RemediationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(parameters));
        }

        return new GuestScriptRequest(RemediationScriptName, RemediationKind, RemediationLines.Value, parameters.ToScriptParameters());
    }

    /// <summary>The embedded text of one script (file name as in Scripts/).</summary>
    public static string ReadScript(string fileName)
    {
        var resource = $"AzureRdsFix.Guest.Scripts.{fileName}";
        using var stream = typeof(GuestScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The guest script '{fileName}' is not embedded in {typeof(GuestScripts).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>File names of every embedded script (not the include files composed into them).</summary>
    public static IReadOnlyList<string> EmbeddedScriptNames() =>
        [.. typeof(GuestScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("AzureRdsFix.Guest.Scripts.", StringComparison.Ordinal))
            .Select(n => n["AzureRdsFix.Guest.Scripts.".Length..])
            .Where(n => !n.EndsWith(IncludeSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    /// <summary>The text the guest receives for one script: its include lines replaced by the include files' text ('\n' line ends).</summary>
    public static string Compose(string fileName) => string.Join('\n', ComposeLines(fileName));

    private static IReadOnlyList<string> ComposeLines(string fileName)
    {
        var lines = new List<string>();
        foreach (var line in Lines(ReadScript(fileName)))
        {
            if (!line.StartsWith(IncludeDirective, StringComparison.Ordinal))
            {
                lines.Add(line);
                continue;
            }

            var include = line[IncludeDirective.Length..].Trim();
            if (!include.EndsWith(IncludeSuffix, StringComparison.Ordinal) || include.Contains('/', StringComparison.Ordinal) || include.Contains('\\', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The guest script '{fileName}' includes '{include}', which is not a *{IncludeSuffix} file beside it.");
            }

            lines.AddRange(Lines(ReadScript(include)));
        }

        return lines;
    }

    private static string[] Lines(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        return text.Split('\n');
    }
}
