using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AzureRdsFix.Core.Model;

/// <summary>License server names: an RFC 1123 host name (FQDN or NetBIOS-style single label) or an IPv4/IPv6 literal.</summary>
public static partial class HostName
{
    public const int MaxLength = 253;

    public static bool IsValid(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        if (IPAddress.TryParse(text, out var ip))
        {
            // IPAddress.TryParse accepts "1" or "1.2" as IPv4; only dotted quads and real IPv6 literals count.
            return ip.AddressFamily == AddressFamily.InterNetworkV6 || DottedQuad().IsMatch(text);
        }

        return text.Split('.').All(label => Label().IsMatch(label)) && !DigitsAndDots().IsMatch(text);
    }

    /// <summary>One sentence saying what is wrong with <paramref name="text"/>, or null when it is a valid host.</summary>
    public static string? Validate(string optionName, string? text) => IsValid(text)
        ? null
        : $"{optionName} '{text}' is not a valid license server: expected a host name (letters, digits and hyphens in dot-separated labels of at most 63 characters, at most 253 in all) or an IPv4/IPv6 address.";

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^[\d.]+$")]
    private static partial Regex DigitsAndDots();
}
