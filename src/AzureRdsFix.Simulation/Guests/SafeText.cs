using System.Text;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// The scripts' ConvertTo-SafeText: line breaks and tabs become spaces, anything outside printable ASCII and
/// <c>" \ &lt; &gt; &amp; '</c> become '?', trimmed, then cut. The probe cuts plainly; the remediation cuts to max-3 plus "...".
/// </summary>
internal static class SafeText
{
    public const int ProbeMax = 100;
    public const int ReportMax = 512;

    public static string? Probe(string? value) => Sanitize(value) is { } text && text.Length > ProbeMax ? text[..ProbeMax] : Sanitize(value);

    public static string? Report(string? value) =>
        Sanitize(value) is { } text && text.Length > ReportMax ? text[..(ReportMax - 3)] + "..." : Sanitize(value);

    private static string? Sanitize(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\r' or '\n' or '\t' => ' ',
                '"' or '\\' or '<' or '>' or '&' or '\'' => '?',
                _ when c < 0x20 || c > 0x7E => '?',
                _ => c,
            });
        }

        return builder.ToString().Trim(' ');
    }
}
