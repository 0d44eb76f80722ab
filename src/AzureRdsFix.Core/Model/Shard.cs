using System.Security.Cryptography;
using System.Text;

namespace AzureRdsFix.Core.Model;

/// <summary>--shard K/N: shard K (1-based) of N, by a stable hash of the lower-cased VM id.</summary>
public sealed record Shard(int Index, int Count)
{
    public bool Contains(string vmId)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(vmId.ToLowerInvariant()));
        var value = BitConverter.ToUInt32(bytes, 0);
        return (int)(value % (uint)Count) == Index - 1;
    }

    /// <summary>Parses "K/N"; returns null and a one-sentence error when malformed.</summary>
    public static Shard? TryParse(string text, out string? error)
    {
        error = null;
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= 1 && k >= 1 && k <= n)
        {
            return new Shard(k, n);
        }

        error = $"--shard '{text}' is not valid: expected K/N with 1 <= K <= N, e.g. 2/8.";
        return null;
    }

    public override string ToString() => $"{Index}/{Count}";
}
