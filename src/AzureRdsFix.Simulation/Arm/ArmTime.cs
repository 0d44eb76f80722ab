using System.Globalization;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>ARM timestamps: offset form with 7 fractional digits (<c>2022-01-19T19:54:07.6751397+00:00</c>).</summary>
internal static class ArmTime
{
    public static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
}
