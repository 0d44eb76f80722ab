using System.Globalization;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Core.Diagnosis;

/// <summary>
/// What the operator asked `plan`/`fix` to do (DESIGN.md fix options). <see cref="LicensingMode"/> is 2 (Per Device),
/// 4 (Per User) or null (keep the current mode if it is valid; a VM without a valid mode then needs the option).
/// </summary>
public sealed record FixRequest(
    IReadOnlyList<string> LicenseServers,
    int? LicensingMode = null,
    bool RemoveRdsh = false,
    bool RemoveLicensingRole = false)
{
    public const int MaxLicenseServers = 4;

    public static readonly FixRequest None = new([]);

    /// <summary>One sentence naming the bad input, or null when the request is valid. Checked before any Azure call.</summary>
    public string? Validate()
    {
        if (LicensingMode is { } mode && mode is not (2 or 4))
        {
            return $"--licensing-mode '{mode.ToString(CultureInfo.InvariantCulture)}' is not valid: expected PerUser (4) or PerDevice (2).";
        }

        if (LicenseServers.Count > MaxLicenseServers)
        {
            return $"--license-server is given {LicenseServers.Count.ToString(CultureInfo.InvariantCulture)} times: at most {MaxLicenseServers.ToString(CultureInfo.InvariantCulture)} license servers are supported.";
        }

        if (LicenseServers.Select(h => HostName.Validate("--license-server", h)).FirstOrDefault(e => e is not null) is { } bad)
        {
            return bad;
        }

        if (RemoveRdsh && (LicenseServers.Count > 0 || LicensingMode is not null))
        {
            return "--remove-rdsh cannot be combined with --license-server or --licensing-mode: removing RDSH means no license server is wanted.";
        }

        return null;
    }
}
