using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// What <c>Get-RdsLicensingState.ps1</c> prints for a guest (docs/guest-contract.md, "Probe"), step for step with the
/// script. Read-only. The JSON object is built key by key because the contract fixes the key order.
/// </summary>
public static class ProbeEmulator
{
    public const string Header = "# AZRDSFIX-SCRIPT Get-RdsLicensingState v1";
    private const int MaxListEntries = 4;

    /// <summary>The full stdout line: <c>AZRDSFIX probe {json}</c>.</summary>
    public static string OutputLine(GuestState guest) => "AZRDSFIX probe " + Probe(guest).ToJsonString(GuestJson.Compact);

    public static JsonObject Probe(GuestState guest)
    {
        var warnings = new List<string>();
        var installState = Dword(guest.Registry.Get(GuestPaths.RdshComponentCache, GuestPaths.InstallStateValue));
        var localMode = Dword(guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue));
        var policyMode = Dword(guest.Registry.Get(GuestPaths.Policy, GuestPaths.LicensingModeValue));
        var localServers = Entries(guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue));
        var policyServers = Entries(guest.Registry.Get(GuestPaths.Policy, GuestPaths.PolicyLicenseServersValue));

        // The script reads in this order, and its warnings follow it: features, then the CIM class.
        if (guest.Features is null)
        {
            warnings.Add(GuestWarnings.NoWindowsFeature);
        }

        var rdshFeature = SafeText.Probe(guest.Feature(GuestPaths.RdshFeature));
        var licensingRole = SafeText.Probe(guest.Feature(GuestPaths.LicensingFeature));
        var tss = guest.TerminalServiceSetting;
        if (tss is null)
        {
            warnings.Add(GuestWarnings.NoTerminalServiceSetting);
        }

        // TerminalServerMode 1 (AppServer) counts as RDSH too, as in the script.
        var rdshInstalled = installState == 1 || string.Equals(rdshFeature, "Installed", StringComparison.OrdinalIgnoreCase) || tss?.TerminalServerMode == 1;
        var askStatus = rdshInstalled && tss is not null;
        int? graceDays = null;
        if (askStatus)
        {
            graceDays = tss!.Grace.Trusted;
            MethodWarning(warnings, "GetGracePeriodDays", tss.Grace);
        }

        var effective = policyServers.Count > 0 ? policyServers : localServers;
        return new JsonObject
        {
            ["schema"] = 1,
            ["computer"] = SafeText.Probe(guest.ComputerName),
            ["os"] = guest.Os is null
                ? null
                : new JsonObject { ["caption"] = SafeText.Probe(guest.Os.Caption), ["version"] = SafeText.Probe(guest.Os.Version), ["build"] = SafeText.Probe(guest.Os.Build) },
            ["domain"] = guest.Domain is null ? null : new JsonObject { ["joined"] = guest.Domain.Joined, ["name"] = SafeText.Probe(guest.Domain.Name) },
            ["rdsh"] = new JsonObject { ["installState"] = installState, ["feature"] = rdshFeature },
            ["tsMode"] = tss?.TerminalServerMode,
            ["mode"] = new JsonObject { ["local"] = localMode, ["policy"] = policyMode },
            ["servers"] = new JsonObject
            {
                ["local"] = Strings(localServers.Take(MaxListEntries).Select(SafeText.Probe)),
                ["policy"] = Strings(policyServers.Take(MaxListEntries).Select(SafeText.Probe)),
                ["truncated"] = Truncated(localServers) || Truncated(policyServers),
            },
            // The script asks for grace days and per-server status only when RDSH is installed and the class exists.
            ["graceDays"] = graceDays,
            ["reach"] = new JsonArray([.. effective.Take(MaxListEntries).Select(host => (JsonNode?)Reach(guest, host, askStatus, warnings))]),
            ["events"] = new JsonObject
            {
                ["1069"] = guest.EventCount("1069"),
                ["1128"] = guest.EventCount("1128") + guest.EventCount("50280"),
                ["1130"] = guest.EventCount("1130") + guest.EventCount("50282"),
            },
            ["licensingRole"] = licensingRole,
            ["warnings"] = Strings(warnings),
        };
    }

    /// <summary>DNS (IP literals need none), then TCP 135 only when the name resolved.</summary>
    public static (bool Dns, bool Tcp135) Reachability(GuestState guest, string host)
    {
        var dns = HostNames.IsIpLiteral(host) || guest.ResolvableNames.Contains(host);
        return (dns, dns && guest.Tcp135Hosts.Contains(host));
    }

    /// <summary>The entries of a MULTI_SZ or comma-separated REG_SZ: split on ',', trimmed, empty ones dropped.</summary>
    internal static List<string> Entries(RegistryValue? value)
    {
        IEnumerable<string> items = value switch
        {
            null => [],
            { Type: RegistryValueType.MultiString } => value.Lines!,
            _ => [value.AsReportString()],
        };
        return [.. items.SelectMany(item => item.Split(',')).Select(part => part.Trim()).Where(part => part.Length > 0)];
    }

    /// <summary>The guest tests the full name; the report carries it sanitized and cut.</summary>
    private static JsonObject Reach(GuestState guest, string host, bool askStatus, List<string> warnings)
    {
        var (dns, tcp) = Reachability(guest, host);
        int? status = null;
        if (askStatus)
        {
            var result = guest.TerminalServiceSetting!.StatusFor(host);
            status = result.Trusted;
            MethodWarning(warnings, "GetTStoLSConnectivityStatus", result);
        }

        return new JsonObject { ["host"] = SafeText.Probe(host), ["dns"] = dns, ["tcp135"] = tcp, ["lsStatus"] = status };
    }

    /// <summary>The script's warning for a call that did not succeed (ReturnValue missing or not 0), capped at 5.</summary>
    private static void MethodWarning(List<string> warnings, string method, WmiResult result)
    {
        if (warnings.Count >= GuestWarnings.Max || result.ReturnValue == 0)
        {
            return;
        }

        warnings.Add(result.ReturnValue is { } code
            ? SafeText.Probe($"{method} returned {code.ToString(System.Globalization.CultureInfo.InvariantCulture)}.")!
            : $"{method} returned no ReturnValue.");
    }

    private static bool Truncated(List<string> entries) =>
        entries.Count > MaxListEntries || entries.Take(MaxListEntries).Any(entry => entry.Length > SafeText.ProbeMax);

    private static int? Dword(RegistryValue? value) => value?.DWord is { } number ? unchecked((int)number) : null;

    private static JsonArray Strings(IEnumerable<string?> items) => new([.. items.Select(item => (JsonNode?)JsonValue.Create(item))]);
}
