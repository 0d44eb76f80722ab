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
        var warnings = new List<JsonObject>();
        var installState = Dword(guest.Registry.Get(GuestPaths.RdshComponentCache, GuestPaths.InstallStateValue));
        var localMode = Dword(guest.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue));
        var policyMode = Dword(guest.Registry.Get(GuestPaths.Policy, GuestPaths.LicensingModeValue));
        var localServers = Entries(guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue));
        var policyServers = Entries(guest.Registry.Get(GuestPaths.Policy, GuestPaths.PolicyLicenseServersValue));

        // The script reads in this order, and its warnings follow it: features, then the CIM class.
        if (guest.Features is null)
        {
            Warn(warnings, GuestWarnings.NoWindowsFeature, GuestWarnings.CommandNotFoundId);
        }

        var rdshFeature = SafeText.Probe(guest.Feature(GuestPaths.RdshFeature));
        var licensingRole = SafeText.Probe(guest.Feature(GuestPaths.LicensingFeature));
        var tss = guest.TerminalServiceSetting;
        if (tss is null)
        {
            Warn(warnings, GuestWarnings.NoTerminalServiceSetting, GuestWarnings.InvalidClassId);
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
        var reach = new JsonArray([.. effective.Take(MaxListEntries).Select(host => (JsonNode?)Reach(guest, host, askStatus, warnings))]);
        var events = new JsonObject
        {
            ["days"] = 30,
            [GuestEventChannels.RcmAdmin] = Channel(guest, GuestEventChannels.RcmAdmin, "1069", GuestWarnings.RcmAdminLogMissing, warnings),
            [GuestEventChannels.System] = Channel(guest, GuestEventChannels.System, "4105", GuestWarnings.SystemLogMissing, warnings),
        };
        int? keyPacks = null;
        if (string.Equals(licensingRole, "Installed", StringComparison.Ordinal))
        {
            keyPacks = guest.LicenseKeyPacks?.Count(pack => pack.HoldsLicenses);
            if (guest.LicenseKeyPacks is null)
            {
                Warn(warnings, GuestWarnings.NoLicenseKeyPack, GuestWarnings.InvalidClassId);
            }
        }

        return new JsonObject
        {
            ["schema"] = 1,
            ["computer"] = SafeText.Probe(guest.ComputerName),
            ["os"] = guest.Os is null
                ? null
                : new JsonObject { ["caption"] = SafeText.Probe(guest.Os.Caption), ["version"] = SafeText.Probe(guest.Os.Version), ["build"] = SafeText.Probe(guest.Os.Build) },
            ["domain"] = guest.Domain is null ? null : new JsonObject { ["joined"] = guest.Domain.Joined, ["name"] = SafeText.Probe(guest.Domain.Name) },
            ["is64BitProcess"] = guest.Is64BitProcess,
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
            ["reach"] = reach,
            ["events"] = events,
            ["licensingRole"] = licensingRole,
            ["keyPacks"] = keyPacks,
            ["warnings"] = new JsonArray([.. warnings]),
        };
    }

    /// <summary>
    /// The script's Test-LicenseServerReach: DNS (an IP literal is its own address; a lookup that does not answer in
    /// time fails), then one TCP 135 connect to the first address: open, closed, timeout, or dnsFailed when not tried.
    /// </summary>
    public static ServerReach Reach(GuestState guest, string host)
    {
        string? address = HostNames.IsIpLiteral(host)
            ? System.Net.IPAddress.Parse(host).ToString()
            : !guest.DnsTimeouts.Contains(host) && guest.DnsAnswers.TryGetValue(host, out var answers) && answers.Count > 0
                ? System.Net.IPAddress.Parse(answers[0]).ToString()
                : null;
        if (address is null)
        {
            return new ServerReach(false, null, Tcp135States.DnsFailed);
        }

        return new ServerReach(true, address, guest.Tcp135.TryGetValue(address, out var state) ? state : Tcp135States.Closed);
    }

    /// <summary>DNS and TCP 135 as two flags (for the serial console's one-line test): reachable only when open.</summary>
    public static (bool Dns, bool Tcp135) Reachability(GuestState guest, string host)
    {
        var reach = Reach(guest, host);
        return (reach.Dns, reach.Tcp135 == Tcp135States.Open);
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
    private static JsonObject Reach(GuestState guest, string host, bool askStatus, List<JsonObject> warnings)
    {
        var reach = Reach(guest, host);
        int? status = null;
        if (askStatus)
        {
            var result = guest.TerminalServiceSetting!.StatusFor(host);
            status = result.Trusted;
            MethodWarning(warnings, "GetTStoLSConnectivityStatus", result);
        }

        return new JsonObject { ["host"] = SafeText.Probe(host), ["dns"] = reach.Dns, ["address"] = reach.Address, ["tcp135"] = reach.Tcp135, ["lsStatus"] = status };
    }

    /// <summary>One channel's counts of its sourced id, or null (unknown) and a warning when the log does not exist.</summary>
    private static JsonObject? Channel(GuestState guest, string channel, string id, string missing, List<JsonObject> warnings)
    {
        if (guest.EventCount(channel, id) is not { } count)
        {
            Warn(warnings, missing, GuestWarnings.NoSuchLogId);
            return null;
        }

        // The script reads at most MaxEventsPerLog events per channel.
        return new JsonObject { [id] = Math.Min(count, GuestWarnings.MaxEventsPerLog) };
    }

    private static void Warn(List<JsonObject> warnings, string message, string errorId)
    {
        if (warnings.Count < GuestWarnings.Max)
        {
            warnings.Add(new JsonObject { ["message"] = message, ["errorId"] = errorId });
        }
    }

    /// <summary>The script's warning for a call that did not succeed (ReturnValue missing or not 0), capped at 5.</summary>
    private static void MethodWarning(List<JsonObject> warnings, string method, WmiResult result)
    {
        if (result.ReturnValue == 0)
        {
            return;
        }

        if (result.ReturnValue is { } code)
        {
            var text = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Warn(warnings, $"{method} returned {text}.", $"{method},ReturnValue={text}");
        }
        else
        {
            Warn(warnings, $"{method} returned no ReturnValue.", $"{method},NoReturnValue");
        }
    }

    private static bool Truncated(List<string> entries) =>
        entries.Count > MaxListEntries || entries.Take(MaxListEntries).Any(entry => entry.Length > SafeText.ProbeMax);

    private static int? Dword(RegistryValue? value) => value?.DWord is { } number ? unchecked((int)number) : null;

    /// <summary>What Test-LicenseServerReach reports for one server.</summary>
    public sealed record ServerReach(bool Dns, string? Address, string Tcp135);

    private static JsonArray Strings(IEnumerable<string?> items) => new([.. items.Select(item => (JsonNode?)JsonValue.Create(item))]);
}
