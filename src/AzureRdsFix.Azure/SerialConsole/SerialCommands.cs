using System.Globalization;
using System.Text.RegularExpressions;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>A value as <c>reg query</c> printed it: its type name and data text (both not localized).</summary>
public sealed record RegValue(string Type, string Data)
{
    /// <summary>REG_DWORD data (<c>0x4</c>, lowercase hex) as a number; null for other types or unreadable data.</summary>
    public int? DWord => Type == "REG_DWORD" && Data.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        && uint.TryParse(Data.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            ? unchecked((int)value)
            : null;

    /// <summary>
    /// The entries of a list value: REG_MULTI_SZ prints its strings joined with a literal <c>\0</c> (reg.exe's default
    /// separator, MS Learn "reg add"); a REG_SZ list (the policy LicenseServers) is comma-separated.
    /// </summary>
    public IReadOnlyList<string> Entries => [.. (Type == "REG_MULTI_SZ" ? Data.Split(@"\0") : [Data])
        .SelectMany(item => item.Split(','))
        .Select(item => item.Trim())
        .Where(item => item.Length > 0)];
}

/// <summary>
/// The serial console channel's whole command set: short, fixed cmd lines (Microsoft's lockout procedure made safe:
/// <c>reg add</c> always with <c>/f</c>, <c>dism</c> always with <c>/NoRestart</c>), and parsers that read only what is
/// not localized: value names, type names, the hex/list layout, marker lines and exit codes — never message text
/// (reference/serial-console.md §4). Host names are validated before they are typed.
/// </summary>
public static partial class SerialCommands
{
    public const string RdshCacheKey = @"HKLM\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\RDS-RD-Server";
    public const string LicensingRoleCacheKey = @"HKLM\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\RDS-Licensing";
    public const string LicensingCoreKey = @"HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core";

    /// <summary>The key Microsoft's article queries (…\Parameters\LicenseServers, reference §4 "Key path mismatch").</summary>
    public const string LicenseServersKey = @"HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers";
    public const string PolicyKey = @"HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services";

    public const string InstallState = "InstallState";
    public const string LicensingMode = "LicensingMode";
    public const string SpecifiedLicenseServers = "SpecifiedLicenseServers";
    public const string PolicyLicenseServers = "LicenseServers";

    /// <summary>DISM's names for the roles (as Microsoft's lockout article types them).</summary>
    public const string RdshDismFeature = "Remote-Desktop-Services";
    public const string LicensingDismFeature = "Licensing";

    /// <summary>dism: 3010 is ERROR_SUCCESS_REBOOT_REQUIRED (done, restart pending).</summary>
    public const int RebootRequired = 3010;

    public static string Query(string key, string value) => $"reg query \"{key}\" /v {value}";

    public static string SetDWord(string key, string value, int data) => $"reg add \"{key}\" /v {value} /t REG_DWORD /d {data.ToString(CultureInfo.InvariantCulture)} /f";

    public static string SetMultiString(string key, string value, IReadOnlyList<string> entries)
    {
        foreach (var entry in entries)
        {
            if (!HostName.IsValid(entry))
            {
                throw new ArgumentException($"'{entry}' is not a host name or IP address, so it is not typed into the guest.", nameof(entries));
            }
        }

        return $"reg add \"{key}\" /v {value} /t REG_MULTI_SZ /d \"{string.Join(@"\0", entries)}\" /f";
    }

    public static string Delete(string key, string value) => $"reg delete \"{key}\" /v {value} /f";

    public static string DisableFeature(string dismFeature) => $"dism /online /disable-feature /featurename:{dismFeature} /NoRestart";

    /// <summary>
    /// DNS then TCP 135 from the guest, in one short PowerShell line (5 s connect timeout). Prints
    /// <c>AZRDSFIX-REACH &lt;dns 0|1&gt; &lt;tcp 0|1&gt;</c>; the marker is split in the typed text so the echo never matches it.
    /// </summary>
    public static string Reach(string host)
    {
        if (!HostName.IsValid(host))
        {
            throw new ArgumentException($"'{host}' is not a host name or IP address, so it is not typed into the guest.", nameof(host));
        }

        return "powershell -NoProfile -NonInteractive -Command \"$h='" + host + "';$d=0;$t=0;try{[void][Net.Dns]::GetHostAddresses($h);$d=1;"
            + "$c=New-Object Net.Sockets.TcpClient;if($c.ConnectAsync($h,135).Wait(5000)){$t=1};$c.Close()}catch{};'AZRDSFIX-'+'REACH '+$d+' '+$t\"";
    }

    /// <summary>
    /// GetGracePeriodDays of Win32_TerminalServiceSetting; prints <c>AZRDSFIX-GRACE &lt;days&gt;</c> only when the
    /// method's ReturnValue is 0 (as the probe script trusts DaysLeft only then), else nothing.
    /// </summary>
    public static string Grace() =>
        "powershell -NoProfile -NonInteractive -Command \"$s=Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TerminalServiceSetting;"
        + "$r=Invoke-CimMethod -InputObject $s -MethodName GetGracePeriodDays;if($r.ReturnValue -eq 0){'AZRDSFIX-'+'GRACE '+$r.DaysLeft}\"";

    /// <summary>
    /// One value from <c>reg query … /v NAME</c>: exit code 0 and a line <c>    NAME    REG_TYPE    data</c> (fields
    /// separated by four spaces); exit code 1 means "not found" (the message itself is localized and not read).
    /// </summary>
    public static RegValue? ParseQuery(CommandOutput output, string valueName)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.ExitCode == 1)
        {
            return null;
        }

        if (output.ExitCode != 0)
        {
            throw new SerialConsoleException(SerialFailure.Protocol, $"reg query of {valueName} exited with code {output.ExitCode}");
        }

        foreach (var line in Lines(output.Text))
        {
            var match = ValueLine().Match(line);
            if (match.Success && string.Equals(match.Groups["name"].Value, valueName, StringComparison.OrdinalIgnoreCase))
            {
                return new RegValue(match.Groups["type"].Value, match.Groups["data"].Value);
            }
        }

        throw new SerialConsoleException(SerialFailure.Protocol, $"reg query of {valueName} succeeded but printed no line for the value");
    }

    /// <summary>The <c>AZRDSFIX-REACH d t</c> line; null when PowerShell printed none.</summary>
    public static (bool Dns, bool Tcp135)? ParseReach(CommandOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = ReachLine().Match(output.Text);
        return match.Success ? (match.Groups["dns"].Value == "1", match.Groups["tcp"].Value == "1") : null;
    }

    public static int? ParseGrace(CommandOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var match = GraceLine().Match(output.Text);
        return match.Success && int.TryParse(match.Groups["days"].Value, CultureInfo.InvariantCulture, out var days) ? days : null;
    }

    /// <summary>reg add / reg delete: exit code 0 is success (the message is localized and not read).</summary>
    public static void EnsureSucceeded(CommandOutput output, string what)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.ExitCode != 0)
        {
            throw new SerialConsoleException(SerialFailure.Protocol, $"{what} exited with code {output.ExitCode}");
        }
    }

    private static IEnumerable<string> Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    // Wine programs/reg/tests/query.c (S17): "    name    REG_TYPE    data"; an empty REG_MULTI_SZ may print no data field.
    [GeneratedRegex(@"^ {4}(?<name>\S(?:.*?\S)?) {4}(?<type>REG_[A-Z_]+)(?: {4}(?<data>.*?))?\s*$")]
    private static partial Regex ValueLine();

    [GeneratedRegex(@"(?m)^AZRDSFIX-REACH (?<dns>[01]) (?<tcp>[01])\r?$")]
    private static partial Regex ReachLine();

    [GeneratedRegex(@"(?m)^AZRDSFIX-GRACE (?<days>\d+)\r?$")]
    private static partial Regex GraceLine();
}
