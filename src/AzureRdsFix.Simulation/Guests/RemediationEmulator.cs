using System.Globalization;
using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// The documented effect of <c>Set-RdsLicensing.ps1</c> on a guest (docs/guest-contract.md, "Remediation"), step for
/// step with the script. It reads only the Run Command parameters, never the script text, as the real script does.
/// In the simulated guest WMI works exactly when the CIM class exists, so Apply reports <c>Wmi</c> there and
/// <c>Registry</c> otherwise; Restore always writes the registry.
/// </summary>
public static class RemediationEmulator
{
    public const string Header = "# AZRDSFIX-SCRIPT Set-RdsLicensing v1";
    private const string Wmi = "Wmi";
    private const string Registry = "Registry";

    /// <summary>Runs the remediation against <paramref name="guest"/> (mutating it) and returns the stdout line.</summary>
    public static string Run(GuestState guest, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var request = RemediationParameters.Bind(parameters);
        if (request.Error() is { } error)
        {
            return "AZRDSFIX error " + new JsonObject { ["message"] = error, ["errorId"] = "InvalidParameter" }.ToJsonString(GuestJson.Compact);
        }

        return "AZRDSFIX remediate " + Apply(guest, request).ToJsonString(GuestJson.Compact);
    }

    public static JsonObject Apply(GuestState guest, RemediationParameters request)
    {
        var operation = request.IsApply ? "Apply" : "Restore";
        var roles = new List<string>();
        if (RemediationParameters.Is(request.RemoveRdsh, "true"))
        {
            roles.Add(GuestPaths.RdshFeature);
        }

        if (RemediationParameters.Is(request.RemoveLicensingRole, "true"))
        {
            roles.Add(GuestPaths.LicensingFeature);
        }

        var modeBefore = request.AsksMode ? ModeText(guest) : null;
        var serversBefore = request.AsksServers ? ServersText(guest) : null;
        var roleBefore = roles.ToDictionary(role => role, guest.Feature);

        string? blocked = null;
        JsonObject? refusal = null;
        var unreachable = new List<string>();
        var notRestorable = new List<string>();
        if (request.IsApply && request.AsksMode && !string.Equals(modeBefore, request.LicensingMode, StringComparison.Ordinal) && !ModeRestorable(guest))
        {
            notRestorable.Add("LicensingMode");
        }

        if (request.IsApply && request.AsksServers && !string.Equals(serversBefore, request.LicenseServers, StringComparison.OrdinalIgnoreCase) && !ServersRestorable(guest))
        {
            notRestorable.Add("SpecifiedLicenseServers");
        }

        if ((request.AsksMode || request.AsksServers) && PolicyManaged(guest))
        {
            blocked = "GroupPolicy";
        }
        else if (notRestorable.Count > 0)
        {
            blocked = "NotRestorable";
        }
        else if (roles.Contains(GuestPaths.LicensingFeature) && string.Equals(roleBefore[GuestPaths.LicensingFeature], "Installed", StringComparison.OrdinalIgnoreCase)
            && KeyPackRefusal(guest) is { } found)
        {
            // RD Licensing is not removed while its CAL key packs hold licenses, nor when they cannot be read.
            blocked = "LicensesInstalled";
            refusal = found;
        }
        else if (request.IsApply && request.AsksServers)
        {
            unreachable.AddRange(request.LicenseServers.Split(',').Where(host => !Reachable(guest, host)));
            blocked = unreachable.Count > 0 ? "Unreachable" : null;
        }

        if (blocked is not null)
        {
            var unchanged = new List<JsonObject>();
            if (request.AsksMode)
            {
                unchanged.Add(WithRaw(Change("LicensingMode", modeBefore, modeBefore), notRestorable, guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)));
            }

            if (request.AsksServers)
            {
                unchanged.Add(WithRaw(Change("SpecifiedLicenseServers", serversBefore, serversBefore), notRestorable, guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue)));
            }

            unchanged.AddRange(roles.Select(role => Change(role, roleBefore[role], roleBefore[role])));
            return Result(operation, "Blocked", blocked, unreachable, unchanged, method: null, error: refusal);
        }

        var viaWmi = request.IsApply && guest.TerminalServiceSetting is not null;
        var methods = new List<string>();
        var changes = new List<JsonObject>();
        if (request.AsksMode)
        {
            var target = RemediationParameters.Is(request.LicensingMode, RemediationParameters.Absent) ? null : request.LicensingMode;
            if (target is null && modeBefore is not null)
            {
                guest.Registry.Remove(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue);
                methods.Add(Registry);
            }
            else if (target is not null && !string.Equals(modeBefore, target, StringComparison.Ordinal))
            {
                // ChangeMode's effect is this same registry value; only the reported method differs.
                guest.Registry.Set(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue, RegistryValue.FromDWord(long.Parse(target, CultureInfo.InvariantCulture)));
                methods.Add(viaWmi ? Wmi : Registry);
            }

            changes.Add(Change("LicensingMode", modeBefore, ModeText(guest)));
        }

        if (request.AsksServers)
        {
            var target = RemediationParameters.Is(request.LicenseServers, RemediationParameters.Absent) ? null : request.LicenseServers;
            if (target is null && serversBefore is not null)
            {
                guest.Registry.Remove(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue);
                methods.Add(Registry);
            }
            else if (target is not null && !string.Equals(serversBefore, target, StringComparison.OrdinalIgnoreCase))
            {
                guest.Registry.Set(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue, RegistryValue.FromMultiString(target.Split(',')));
                methods.Add(viaWmi ? Wmi : Registry);
            }

            changes.Add(Change("SpecifiedLicenseServers", serversBefore, ServersText(guest)));
        }

        guest.LicensingChangedSinceRestart |= methods.Count > 0;
        var roleRestart = false;
        foreach (var role in roles)
        {
            if (string.Equals(roleBefore[role], "Installed", StringComparison.OrdinalIgnoreCase))
            {
                // The contract's Uninstall-WindowsFeature answers Success true, RestartNeeded Yes.
                Uninstall(guest, role);
                roleRestart = true;
            }

            roleRestart |= string.Equals(guest.Feature(role), "UninstallPending", StringComparison.OrdinalIgnoreCase);
            changes.Add(Change(role, roleBefore[role], guest.Feature(role)));
        }

        var method = methods.Count == 0 ? null : methods.Contains(Registry) ? Registry : Wmi;
        return Result(operation, status: null, blocked: null, [], changes, method, roleRestart);
    }

    /// <summary>
    /// The contract's simulated Uninstall-WindowsFeature: the feature reads Available and its component cache
    /// InstallState 0 at once; the restart that makes it real is tracked for <see cref="RestartEffects"/>.
    /// </summary>
    private static void Uninstall(GuestState guest, string feature)
    {
        guest.Features![feature] = "Available";
        var cacheKey = @"HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\" + feature;
        if (guest.Registry.Get(cacheKey, GuestPaths.InstallStateValue) is not null)
        {
            guest.Registry.Set(cacheKey, GuestPaths.InstallStateValue, RegistryValue.FromDWord(0));
        }

        guest.PendingFeatureRemovals.Add(feature);
    }

    private static string? ModeText(GuestState guest) =>
        guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue) is { } value
            ? value.Type == RegistryValueType.DWord ? ((uint)value.DWord!.Value).ToString(CultureInfo.InvariantCulture) : value.AsReportString()
            : null;

    /// <summary>SpecifiedLicenseServers comma-joined; an empty list counts as absent.</summary>
    private static string? ServersText(GuestState guest)
    {
        var entries = ProbeEmulator.Entries(guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue));
        return entries.Count == 0 ? null : string.Join(',', entries);
    }

    /// <summary>Restore writes a DWORD 0-6 or removes the value: only such a value (or none) can be put back exactly.</summary>
    private static bool ModeRestorable(GuestState guest) =>
        guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue) is not { } value
        || (value.Type == RegistryValueType.DWord && unchecked((int)value.DWord!.Value) is >= 0 and <= 6);

    /// <summary>Restore writes a MULTI_SZ of 1-4 valid hosts or removes the value (the script's Test-ServersRestorable).</summary>
    private static bool ServersRestorable(GuestState guest)
    {
        if (guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue) is not { } value)
        {
            return true;
        }

        if (value.Type != RegistryValueType.MultiString)
        {
            return false;
        }

        var entries = value.Lines!;
        if (entries.Count == 0)
        {
            return true;
        }

        if (entries.Any(e => e.Length == 0 || e != e.Trim()))
        {
            return false;
        }

        return RemediationParameters.IsServerList(string.Join(',', entries));
    }

    /// <summary>The refused value's registry type and raw text (hex of UTF-8, MULTI_SZ entries joined by '\n', 512 digits at most).</summary>
    private static JsonObject WithRaw(JsonObject change, List<string> notRestorable, RegistryValue? value)
    {
        if (!notRestorable.Contains(change["setting"]!.GetValue<string>()) || value is null)
        {
            return change;
        }

        var text = value.Type switch
        {
            RegistryValueType.MultiString => string.Join('\n', value.Lines!),
            RegistryValueType.DWord => unchecked((int)value.DWord!.Value).ToString(CultureInfo.InvariantCulture),
            _ => value.Text!,
        };
        var hex = ParameterHex.Encode(text);
        change["beforeType"] = value.Type.ToString();
        change["beforeRaw"] = hex.Length > 512 ? hex[..512] : hex;
        return change;
    }

    private static bool PolicyManaged(GuestState guest) =>
        guest.Registry.Get(GuestPaths.Policy, GuestPaths.LicensingModeValue) is not null
        || ProbeEmulator.Entries(guest.Registry.Get(GuestPaths.Policy, GuestPaths.PolicyLicenseServersValue)).Count > 0;

    private static bool Reachable(GuestState guest, string host) => ProbeEmulator.Reach(guest, host).Tcp135 == Tcp135States.Open;

    /// <summary>The script's Get-KeyPackRefusal: {message, errorId} when RD Licensing must stay, else null.</summary>
    private static JsonObject? KeyPackRefusal(GuestState guest)
    {
        if (guest.LicenseKeyPacks is null)
        {
            return new JsonObject
            {
                ["message"] = "RDS-Licensing was not removed: its CAL key packs could not be read: Invalid class",
                ["errorId"] = "LicensesUnknown HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand 0x80131500",
            };
        }

        var count = guest.LicenseKeyPacks.Count(pack => pack.HoldsLicenses);
        return count == 0
            ? null
            : new JsonObject
            {
                ["message"] = $"RDS-Licensing was not removed: {count.ToString(CultureInfo.InvariantCulture)} CAL key pack(s) hold licenses (Win32_TSLicenseKeyPack TotalLicenses or IssuedLicenses above 0).",
                ["errorId"] = "LicensesInstalled",
            };
    }

    private static JsonObject Change(string setting, string? before, string? after) => new()
    {
        ["setting"] = setting,
        ["before"] = SafeText.Report(before),
        ["after"] = SafeText.Report(after),
        // PowerShell's -eq: case-insensitive.
        ["changed"] = !((before is null && after is null) || (before is not null && after is not null && string.Equals(before, after, StringComparison.OrdinalIgnoreCase))),
    };

    private static JsonObject Result(string operation, string? status, string? blocked, List<string> unreachable, List<JsonObject> changes, string? method, bool roleRestart = false, JsonObject? error = null)
    {
        // Mode/server changes need a restart; a role removal needs one when Uninstall-WindowsFeature says so (here: always).
        var anyChange = changes.Any(c => c["changed"]!.GetValue<bool>());
        var restart = roleRestart || changes.Any(c => c["changed"]!.GetValue<bool>() && !c["setting"]!.GetValue<string>().StartsWith("RDS-", StringComparison.Ordinal));
        return new JsonObject
        {
            ["schema"] = 1,
            ["operation"] = operation,
            ["status"] = status ?? (anyChange ? "Applied" : "NoChange"),
            ["blocked"] = blocked,
            ["unreachable"] = new JsonArray([.. unreachable.Select(host => (JsonNode?)JsonValue.Create(host))]),
            ["changes"] = new JsonArray([.. changes]),
            ["restartNeeded"] = restart,
            ["method"] = method,
            ["error"] = error,
        };
    }
}
