using System.Globalization;
using System.Security.Cryptography;

namespace AzureRdsFix.Cli.Engine;

public static class RunIdentity
{
    /// <summary>A run id that sorts by time and is unique enough to name folders and snapshots: 20261125-0213-a1b2c3.</summary>
    public static string NewRunId(TimeProvider time)
        => $"{time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
}
