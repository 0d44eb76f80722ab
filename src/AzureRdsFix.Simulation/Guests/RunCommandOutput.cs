using System.Text;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>Run Command keeps only the last 4,096 bytes of StdOut and of StdErr, each, with no marker.</summary>
public static class RunCommandOutput
{
    public const int MaxBytes = 4096;

    public static string LastBytes(string text, int maxBytes = MaxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= maxBytes)
        {
            return text;
        }

        var start = bytes.Length - maxBytes;
        // Skip UTF-8 continuation bytes so the tail decodes cleanly instead of starting with U+FFFD.
        while (start < bytes.Length && (bytes[start] & 0xC0) == 0x80)
        {
            start++;
        }

        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }
}
