using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.SerialConsole;

/// <summary>
/// The cmd lines the serial console channel types, run against a simulated guest with the output formats of the real
/// tools (reference/serial-console.md §4, from Wine's tests of Windows reg.exe): <c>echo</c>, <c>reg query|add|delete</c>,
/// <c>dism /online /disable-feature</c> and the tool's one-line PowerShell reach and grace tests. As strict as Windows
/// where it matters: <c>reg add</c> without <c>/f</c> over an existing value asks (and so fails here), <c>dism</c>
/// without <c>/NoRestart</c> asks to restart (and so fails here), anything else is not recognized.
/// </summary>
internal static partial class SacGuestCommands
{
    public const string NotFound = "ERROR: The system was unable to find the specified registry key or value.";
    public const string Success = "The operation completed successfully.";

    /// <summary>DISM feature names (as Microsoft's lockout article uses them) to the guest's Server Manager names.</summary>
    private static readonly Dictionary<string, string> DismFeatures = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Remote-Desktop-Services"] = GuestPaths.RdshFeature,
        ["Licensing"] = GuestPaths.LicensingFeature,
    };

    public static string Run(SimulatedVm vm, string line, ref int errorLevel)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        var tokens = Tokenize(trimmed);
        var verb = tokens[0].ToLowerInvariant();
        var level = errorLevel;
        string output;
        lock (vm.Sync)
        {
            (output, level) = verb switch
            {
                "echo" => (Echo(trimmed, errorLevel), errorLevel),
                "reg" => Reg(vm, tokens),
                "dism" => Dism(vm, tokens),
                "powershell" or "powershell.exe" => PowerShell(vm, trimmed),
                _ => ($"'{tokens[0]}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", 9009),
            };
        }

        errorLevel = level;
        return output;
    }

    private static string Echo(string line, int errorLevel)
    {
        var text = line.Length > 5 ? line[5..] : string.Empty;
        text = Regex.Replace(text, "%ERRORLEVEL%", errorLevel.ToString(CultureInfo.InvariantCulture), RegexOptions.IgnoreCase);
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            // cmd's escape character: ^x prints x.
            if (text[i] == '^' && i + 1 < text.Length)
            {
                i++;
            }

            result.Append(text[i]);
        }

        return result + "\r\n";
    }

    private static (string, int) Reg(SimulatedVm vm, List<string> tokens)
    {
        if (tokens.Count < 3)
        {
            return ("ERROR: Invalid syntax.\r\nType \"REG /?\" for usage.\r\n", 1);
        }

        var op = tokens[1].ToLowerInvariant();
        var key = GuestKey(tokens[2]);
        var name = Switch(tokens, "/v");
        var guest = vm.Guest;
        if (key is null || name is null || guest is null)
        {
            return ("ERROR: Invalid syntax.\r\nType \"REG /?\" for usage.\r\n", 1);
        }

        switch (op)
        {
            case "query":
                var value = guest.Registry.Get(key, name);
                return value is null
                    ? (NotFound + "\r\n", 1)
                    : ($"\r\n{tokens[2].Replace("HKLM", "HKEY_LOCAL_MACHINE", StringComparison.OrdinalIgnoreCase)}\r\n    {name}    {TypeName(value)}    {Data(value)}\r\n\r\n", 0);
            case "add":
                var type = Switch(tokens, "/t") ?? "REG_SZ";
                var data = Switch(tokens, "/d") ?? string.Empty;
                var force = tokens.Any(t => string.Equals(t, "/f", StringComparison.OrdinalIgnoreCase));
                if (!force && guest.Registry.Get(key, name) is not null)
                {
                    return ($"Value {name} exists, overwrite(Yes/No)? The operation was canceled by the user.\r\n", 1);
                }

                RegistryValue? parsed = type.ToUpperInvariant() switch
                {
                    "REG_DWORD" => ParseDword(data) is { } number ? RegistryValue.FromDWord(number) : null,
                    "REG_MULTI_SZ" => RegistryValue.FromMultiString(data.Length == 0 ? [] : data.Split(@"\0")),
                    "REG_SZ" => RegistryValue.FromString(data),
                    _ => null,
                };
                if (parsed is null)
                {
                    return ("ERROR: Invalid syntax.\r\nType \"REG ADD /?\" for usage.\r\n", 1);
                }

                var owned = vm.OwnGuest()!;
                owned.Registry.Set(key, name, parsed);
                MarkLicensingChange(owned, name);
                return (Success + "\r\n", 0);
            case "delete":
                if (!tokens.Any(t => string.Equals(t, "/f", StringComparison.OrdinalIgnoreCase)))
                {
                    return ($"Delete the registry value {name} (Yes/No)? The operation was canceled by the user.\r\n", 1);
                }

                if (guest.Registry.Get(key, name) is null)
                {
                    return (NotFound + "\r\n", 1);
                }

                var mine = vm.OwnGuest()!;
                mine.Registry.Remove(key, name);
                MarkLicensingChange(mine, name);
                return (Success + "\r\n", 0);
            default:
                return ("ERROR: Invalid syntax.\r\nType \"REG /?\" for usage.\r\n", 1);
        }
    }

    private static (string, int) Dism(SimulatedVm vm, List<string> tokens)
    {
        bool Has(string flag) => tokens.Any(t => string.Equals(t, flag, StringComparison.OrdinalIgnoreCase));
        var feature = tokens.FirstOrDefault(t => t.StartsWith("/featurename:", StringComparison.OrdinalIgnoreCase))?["/featurename:".Length..];
        var header = "\r\nDeployment Image Servicing and Management tool\r\nVersion: 10.0.20348.681\r\n\r\nImage Version: 10.0.20348.2340\r\n\r\n";
        if (!Has("/online") || !Has("/disable-feature") || feature is null)
        {
            return (header + "Error: 87\r\n\r\nThe option is unknown.\r\n", 87);
        }

        if (!DismFeatures.TryGetValue(feature, out var serverManagerName) || vm.Guest?.Features is null || !vm.Guest.Features.ContainsKey(serverManagerName))
        {
            return (header + $"Error: 0x800f080c\r\n\r\nFeature name {feature} is unknown.\r\n", unchecked((int)0x800f080c));
        }

        var guest = vm.OwnGuest()!;
        var wasInstalled = string.Equals(guest.Feature(serverManagerName), "Installed", StringComparison.OrdinalIgnoreCase);
        if (wasInstalled)
        {
            guest.Features![serverManagerName] = "Available";
            var cacheKey = @"HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\" + serverManagerName;
            if (guest.Registry.Get(cacheKey, GuestPaths.InstallStateValue) is not null)
            {
                guest.Registry.Set(cacheKey, GuestPaths.InstallStateValue, RegistryValue.FromDWord(0));
            }

            guest.PendingFeatureRemovals.Add(serverManagerName);
        }

        var body = header + "Disabling feature(s)\r\n[==========================100.0%==========================]\r\nThe operation completed successfully.\r\n";
        if (!wasInstalled)
        {
            return (body, 0);
        }

        // Without /NoRestart dism asks "(Y/N)" and reads the next key: the tool must never get there.
        return Has("/NoRestart")
            ? (body + "Restart Windows to complete this operation.\r\n", 3010)
            : (body + "Restart Windows to complete this operation.\r\nDo you want to restart the computer now? (Y/N)", 3010);
    }

    private static (string, int) PowerShell(SimulatedVm vm, string line)
    {
        var guest = vm.Guest;
        if (guest is not null && ReachHost().Match(line) is { Success: true } reach)
        {
            var (dns, tcp) = ProbeEmulator.Reachability(guest, reach.Groups["host"].Value);
            return ($"AZRDSFIX-REACH {(dns ? 1 : 0)} {(tcp ? 1 : 0)}\r\n", 0);
        }

        if (guest is not null && line.Contains("GetGracePeriodDays", StringComparison.Ordinal))
        {
            return guest.TerminalServiceSetting?.Grace.Trusted is { } days
                ? ($"AZRDSFIX-GRACE {days}\r\n", 0)
                : ("Get-CimInstance : Invalid class \r\n", 1);
        }

        return ("The term is not recognized as the name of a cmdlet, function, script file, or operable program.\r\n", 1);
    }

    private static void MarkLicensingChange(GuestState guest, string name)
    {
        if (name.Equals(GuestPaths.LicensingModeValue, StringComparison.OrdinalIgnoreCase)
            || name.Equals(GuestPaths.SpecifiedLicenseServersValue, StringComparison.OrdinalIgnoreCase))
        {
            guest.LicensingChangedSinceRestart = true;
        }
    }

    private static long? ParseDword(string data) =>
        data.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(data[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : long.TryParse(data, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string TypeName(RegistryValue value) => value.Type switch
    {
        RegistryValueType.DWord => "REG_DWORD",
        RegistryValueType.MultiString => "REG_MULTI_SZ",
        _ => "REG_SZ",
    };

    /// <summary>reg.exe's layout: DWORD as lowercase 0x hex, MULTI_SZ joined with a literal \0.</summary>
    private static string Data(RegistryValue value) => value.Type switch
    {
        RegistryValueType.DWord => "0x" + ((uint)value.DWord!.Value).ToString("x", CultureInfo.InvariantCulture),
        RegistryValueType.MultiString => string.Join(@"\0", value.Lines!),
        _ => value.Text!,
    };

    private static string? GuestKey(string key)
    {
        foreach (var root in new[] { @"HKLM\", @"HKEY_LOCAL_MACHINE\" })
        {
            if (key.StartsWith(root, StringComparison.OrdinalIgnoreCase))
            {
                return @"HKLM:\" + key[root.Length..];
            }
        }

        return null;
    }

    private static string? Switch(List<string> tokens, string name)
    {
        var index = tokens.FindIndex(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 && index + 1 < tokens.Count ? tokens[index + 1] : null;
    }

    /// <summary>cmd's splitting: spaces separate, double quotes group (and are removed).</summary>
    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    [GeneratedRegex(@"\$h='(?<host>[^']+)'")]
    private static partial Regex ReachHost();
}
