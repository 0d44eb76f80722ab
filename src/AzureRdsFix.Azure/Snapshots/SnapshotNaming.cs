using System.Security.Cryptography;
using System.Text;

namespace AzureRdsFix.Azure.Snapshots;

/// <summary>
/// Deterministic snapshot names: <c>azrdsfix-&lt;vm&gt;-&lt;runId&gt;</c>, at most 80 characters of letters, digits,
/// '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_' (ARM's rule for snapshots).
/// A name that would be too long keeps a hash of the full name so two VMs never share one.
/// </summary>
public static class SnapshotNaming
{
    public const int MaxLength = 80;
    private const string Prefix = "azrdsfix-";

    public static string For(string runId, string vmName)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(vmName);
        var vm = Clean(vmName);
        var run = Clean(runId);
        var name = $"{Prefix}{vm}-{run}";
        if (name.Length > MaxLength)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{vmName}\n{runId}")))[..8];
            run = run.Length > 24 ? run[..24].TrimEnd('-', '.') : run;
            var room = MaxLength - Prefix.Length - run.Length - hash.Length - 2;
            vm = vm.Length > room ? vm[..room].TrimEnd('-', '.') : vm;
            name = $"{Prefix}{vm}-{run}-{hash}";
        }

        return name.TrimEnd('-', '.');
    }

    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-');
        }

        return builder.ToString().Trim('-', '.');
    }
}
