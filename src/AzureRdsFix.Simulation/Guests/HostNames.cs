using System.Net;
using System.Text.RegularExpressions;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>The scripts' host checks, regex for regex (docs/guest-contract.md: IP literal, RFC 1123 name).</summary>
public static partial class HostNames
{
    /// <summary>Dotted-quad IPv4 without leading zeros, or IPv6 (hex, ':' and '.', containing ':') that parses.</summary>
    public static bool IsIpLiteral(string host) =>
        Ipv4().IsMatch(host) || (Ipv6Chars().IsMatch(host) && host.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(host, out _));

    /// <summary>
    /// RFC 1123: labels of 1-63 letters, digits and hyphens, no hyphen at either end, 253 characters in all; digits and
    /// dots alone (<c>10.0.0</c>) are an IP address or nothing.
    /// </summary>
    public static bool IsHostName(string host) =>
        host.Length is >= 1 and <= 253 && !DigitsAndDots().IsMatch(host) && host.Split('.').All(label => Rfc1123Label().IsMatch(label));

    public static bool IsValid(string host) => IsIpLiteral(host) || IsHostName(host);

    [GeneratedRegex(@"\A((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z", RegexOptions.IgnoreCase)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"\A[0-9A-Fa-f:.]+\z", RegexOptions.IgnoreCase)]
    private static partial Regex Ipv6Chars();

    [GeneratedRegex(@"\A[0-9.]+\z")]
    private static partial Regex DigitsAndDots();

    // PowerShell's -match is case-insensitive, and the character classes already allow both cases.
    [GeneratedRegex(@"\A[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z", RegexOptions.IgnoreCase)]
    private static partial Regex Rfc1123Label();
}
