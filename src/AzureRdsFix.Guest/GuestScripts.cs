using AzureRdsFix.Core.Guest;

namespace AzureRdsFix.Guest;

/// <summary>
/// The in-guest scripts (embedded from Scripts/*.ps1) as Run Command requests. Parameters travel as Run Command
/// parameters and are never pasted into the script text, so the text sent is always exactly the embedded script.
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

    private static readonly Lazy<IReadOnlyList<string>> ProbeLines = new(() => LoadLines(ProbeScriptName));
    private static readonly Lazy<IReadOnlyList<string>> RemediationLines = new(() => LoadLines(RemediationScriptName));

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

    /// <summary>File names of every embedded script.</summary>
    public static IReadOnlyList<string> EmbeddedScriptNames() =>
        [.. typeof(GuestScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("AzureRdsFix.Guest.Scripts.", StringComparison.Ordinal))
            .Select(n => n["AzureRdsFix.Guest.Scripts.".Length..])
            .Order(StringComparer.Ordinal)];

    private static IReadOnlyList<string> LoadLines(string fileName)
    {
        var text = ReadScript(fileName).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        return text.Split('\n');
    }
}
