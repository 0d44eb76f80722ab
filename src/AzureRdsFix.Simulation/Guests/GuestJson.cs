using System.Text.Json;

namespace AzureRdsFix.Simulation.Guests;

internal static class GuestJson
{
    /// <summary>
    /// Compact like <c>ConvertTo-Json -Compress</c>; the default encoder escapes &lt; &gt; &amp; ' as Windows PowerShell 5.1 does.
    /// </summary>
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
}
