using System.Text;

namespace AzureRdsFix.Guest;

/// <summary>
/// How a parameter value travels to the guest: lower-case hex of its UTF-8 bytes (docs/guest-contract.md, "Parameters").
/// Hex survives the cmd.exe layer Run Command puts between the service and powershell.exe, where base64's <c>=</c> and
/// <c>+</c> or any raw metacharacter might not; the script decodes it and validates the decoded value again.
/// </summary>
public static class ParameterEncoding
{
    /// <summary>Longest encoded value the script accepts (hex digits): 1,024 bytes, twice the longest valid value.</summary>
    public const int MaxEncodedLength = 2048;

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>The decoded value, or null when <paramref name="encoded"/> is not hex of valid UTF-8 (as the script decides).</summary>
    public static string? Decode(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length % 2 != 0 || encoded.Length > MaxEncodedLength || !encoded.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromHexString(encoded));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
