using System.Globalization;
using System.Text.RegularExpressions;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Guest;

public enum RemediationOperation
{
    Apply,
    Restore,
}

/// <summary>
/// Parameters of Set-RdsLicensing.ps1 (docs/guest-contract.md): every value a string, null meaning "leave as is" (the
/// parameter is left out of the Run Command). <see cref="Validate"/> applies the script's own rules and returns the same
/// sentence the script would print. The values here are plain; <see cref="ToScriptParameters"/> sends each one as hex of
/// its UTF-8 bytes, because Run Command passes parameter values through cmd.exe on the VM, which eats or acts on
/// <c>^ &amp; % &lt; &gt; | "</c> and cuts an unquoted value at a space (Learn: "Run scripts in your Windows VM by using
/// action Run Commands", known issues; azure-powershell issues 29880, 19087, 7269). Hex digits pass through unchanged.
/// </summary>
public sealed partial record RemediationParameters
{
    /// <summary>Restore value meaning "delete the registry value".</summary>
    public const string Absent = "<absent>";

    public const int MaxLicenseServers = 4;
    public const int MaxLicenseServersLength = 512;

    public required string Operation { get; init; }
    public string? LicensingMode { get; init; }
    public string? LicenseServers { get; init; }
    public string? RemoveRdsh { get; init; }
    public string? RemoveLicensingRole { get; init; }

    /// <summary>Apply: mode 2 or 4 (null = leave), up to 4 servers (empty = leave), optional role removals.</summary>
    public static RemediationParameters Apply(int? licensingMode, IReadOnlyList<string> licenseServers, bool removeRdsh = false, bool removeLicensingRole = false)
    {
        ArgumentNullException.ThrowIfNull(licenseServers);
        return new RemediationParameters
        {
            Operation = nameof(RemediationOperation.Apply),
            LicensingMode = licensingMode?.ToString(CultureInfo.InvariantCulture),
            LicenseServers = licenseServers.Count == 0 ? null : string.Join(',', licenseServers),
            RemoveRdsh = removeRdsh ? "true" : null,
            RemoveLicensingRole = removeLicensingRole ? "true" : null,
        };
    }

    /// <summary>
    /// Restore: puts back the before-values of the mode and server changes an Apply reported (null before = absent).
    /// Role removals cannot be restored and are ignored.
    /// </summary>
    public static RemediationParameters Restore(IEnumerable<RemediationChange> appliedChanges)
    {
        ArgumentNullException.ThrowIfNull(appliedChanges);
        string? mode = null;
        string? servers = null;
        foreach (var change in appliedChanges.Where(c => c.Changed))
        {
            if (change.Setting == RemediationSettings.LicensingMode)
            {
                mode = change.Before ?? Absent;
            }
            else if (change.Setting == RemediationSettings.SpecifiedLicenseServers)
            {
                servers = change.Before ?? Absent;
            }
        }

        return new RemediationParameters { Operation = nameof(RemediationOperation.Restore), LicensingMode = mode, LicenseServers = servers };
    }

    /// <summary>True when the run would not ask the guest about anything.</summary>
    public bool IsEmpty => string.IsNullOrEmpty(LicensingMode) && string.IsNullOrEmpty(LicenseServers)
        && !IsTrue(RemoveRdsh) && !IsTrue(RemoveLicensingRole);

    /// <summary>The Run Command parameters: only the non-empty ones, in the script's order, each value hex-encoded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToScriptParameters()
    {
        var list = new List<KeyValuePair<string, string>> { new(nameof(Operation), ParameterEncoding.Encode(Operation)) };
        Add(nameof(LicensingMode), LicensingMode);
        Add(nameof(LicenseServers), LicenseServers);
        Add(nameof(RemoveRdsh), RemoveRdsh);
        Add(nameof(RemoveLicensingRole), RemoveLicensingRole);
        return list;

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                list.Add(new(name, ParameterEncoding.Encode(value)));
            }
        }
    }

    /// <summary>The script's validation (same order, same sentences); null when every parameter is good.</summary>
    public string? Validate()
    {
        var isApply = string.Equals(Operation, "Apply", StringComparison.OrdinalIgnoreCase);
        if (!isApply && !string.Equals(Operation, "Restore", StringComparison.OrdinalIgnoreCase))
        {
            return "Parameter Operation must be Apply or Restore.";
        }

        var mode = LicensingMode ?? string.Empty;
        var servers = LicenseServers ?? string.Empty;
        if (isApply)
        {
            if (mode is not ("" or "2" or "4"))
            {
                return "Parameter LicensingMode must be 2, 4 or empty for Apply.";
            }

            if (servers.Length > 0 && !IsServerList(servers))
            {
                return "Parameter LicenseServers must be empty or 1 to 4 comma-separated host names (RFC 1123) or IP addresses, 512 characters at most.";
            }
        }
        else
        {
            if (!RestoreMode().IsMatch(mode) && !IsAbsent(mode))
            {
                return "Parameter LicensingMode must be 0 to 6, <absent> or empty for Restore.";
            }

            if (servers.Length > 0 && !IsAbsent(servers) && !IsServerList(servers))
            {
                return "Parameter LicenseServers must be empty, <absent> or 1 to 4 comma-separated host names (RFC 1123) or IP addresses, 512 characters at most.";
            }
        }

        return SwitchError(nameof(RemoveRdsh), RemoveRdsh, isApply) ?? SwitchError(nameof(RemoveLicensingRole), RemoveLicensingRole, isApply);
    }

    private static string? SwitchError(string name, string? value, bool isApply)
    {
        var text = value ?? string.Empty;
        if (text.Length > 0 && !IsTrue(text) && !string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
        {
            return $"Parameter {name} must be true, false or empty.";
        }

        return !isApply && IsTrue(text) ? $"Parameter {name} can be true only for Apply." : null;
    }

    private static bool IsServerList(string value)
    {
        var entries = value.Split(',');
        return value.Length <= MaxLicenseServersLength && entries.Length <= MaxLicenseServers && entries.All(HostName.IsValid);
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsAbsent(string value) => string.Equals(value, Absent, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\A[0-6]?\z")]
    private static partial Regex RestoreMode();
}
