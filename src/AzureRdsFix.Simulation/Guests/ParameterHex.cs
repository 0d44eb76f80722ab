using System.Text;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// The scripts' parameter encoding (docs/guest-contract.md, "Parameters"): hex of the value's UTF-8 bytes, at most
/// 2,048 digits; an empty value is empty. Decoded exactly as the script's ConvertFrom-HexParameter does.
/// </summary>
public static class ParameterHex
{
    public const int MaxEncodedLength = 2048;

    public static string Encode(string value) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value));

    /// <summary>The decoded text, or null when the value is not an even number of hex digits of valid UTF-8.</summary>
    public static string? Decode(string encoded)
    {
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
