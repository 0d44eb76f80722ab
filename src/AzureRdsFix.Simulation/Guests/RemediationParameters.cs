using System.Text.RegularExpressions;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// The Run Command <c>parameters</c> of <c>Set-RdsLicensing.ps1</c> as the script binds and decodes them (every one a
/// string, empty when left out, sent as hex of its UTF-8 bytes), and the script's own validation, check for check and
/// message for message. The values held here are the decoded ones.
/// </summary>
public sealed partial record RemediationParameters(
    string Operation, string LicensingMode, string LicenseServers, string RemoveRdsh, string RemoveLicensingRole)
{
    public const string Absent = "<absent>";
    private const int MaxServers = 4;
    private const int MaxServersLength = 512;
    private static readonly string[] Known = ["Operation", "LicensingMode", "LicenseServers", "RemoveRdsh", "RemoveLicensingRole"];

    /// <summary>The script's sentence for the first value that is not hex of UTF-8; null when all decoded.</summary>
    public string? DecodeError { get; init; }

    public bool IsApply => Is(Operation, "Apply");

    public bool AsksMode => LicensingMode.Length > 0;

    public bool AsksServers => LicenseServers.Length > 0;

    /// <summary>Parameter names PowerShell would refuse to bind (the script would never start).</summary>
    public static IEnumerable<string> UnknownNames(IEnumerable<KeyValuePair<string, string>> parameters) =>
        parameters.Select(p => p.Key).Where(name => !Known.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Binds by name, case-insensitively, as PowerShell does (a parameter left out is empty), then decodes each value
    /// from hex in table order, as the script does; the first that does not decode is <see cref="DecodeError"/>.
    /// </summary>
    public static RemediationParameters Bind(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in parameters)
        {
            map[name] = value ?? string.Empty;
        }

        string? error = null;
        string Get(string name)
        {
            var raw = map.TryGetValue(name, out var value) ? value : string.Empty;
            var decoded = ParameterHex.Decode(raw);
            if (decoded is null)
            {
                error ??= $"Parameter {name} must be hex-encoded UTF-8 (two hex digits per byte, {ParameterHex.MaxEncodedLength} digits at most).";
                return string.Empty;
            }

            return decoded;
        }

        return new RemediationParameters(Get("Operation"), Get("LicensingMode"), Get("LicenseServers"), Get("RemoveRdsh"), Get("RemoveLicensingRole"))
        {
            DecodeError = error,
        };
    }

    /// <summary>The first bad parameter as the script words it (never echoing the value), or null when all are good.</summary>
    public string? Error()
    {
        if (DecodeError is not null)
        {
            return DecodeError;
        }

        if (!Is(Operation, "Apply") && !Is(Operation, "Restore"))
        {
            return "Parameter Operation must be Apply or Restore.";
        }

        if (IsApply)
        {
            if (!ApplyMode().IsMatch(LicensingMode))
            {
                return "Parameter LicensingMode must be 2, 4 or empty for Apply.";
            }

            if (AsksServers && !IsServerList(LicenseServers))
            {
                return "Parameter LicenseServers must be empty or 1 to 4 comma-separated host names (RFC 1123) or IP addresses, 512 characters at most.";
            }
        }
        else
        {
            if (!RestoreMode().IsMatch(LicensingMode) && !Is(LicensingMode, Absent))
            {
                return "Parameter LicensingMode must be 0 to 6, <absent> or empty for Restore.";
            }

            if (AsksServers && !Is(LicenseServers, Absent) && !IsServerList(LicenseServers))
            {
                return "Parameter LicenseServers must be empty, <absent> or 1 to 4 comma-separated host names (RFC 1123) or IP addresses, 512 characters at most.";
            }
        }

        return SwitchError("RemoveRdsh", RemoveRdsh) ?? SwitchError("RemoveLicensingRole", RemoveLicensingRole);
    }

    /// <summary>PowerShell's -eq / -ne: case-insensitive.</summary>
    internal static bool Is(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    private string? SwitchError(string name, string value)
    {
        if (value.Length > 0 && !Is(value, "true") && !Is(value, "false"))
        {
            return $"Parameter {name} must be true, false or empty.";
        }

        return !IsApply && Is(value, "true") ? $"Parameter {name} can be true only for Apply." : null;
    }

    private static bool IsServerList(string value)
    {
        var entries = value.Split(',');
        return value.Length <= MaxServersLength && entries.Length <= MaxServers && entries.All(HostNames.IsValid);
    }

    // -cnotmatch: case-sensitive, and \z so a trailing newline does not slip through.
    [GeneratedRegex(@"\A[24]?\z")]
    private static partial Regex ApplyMode();

    [GeneratedRegex(@"\A[0-6]?\z")]
    private static partial Regex RestoreMode();
}
