using System.Globalization;
using System.Text;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// ARM list paging: uneven pages (sizes cycled from the fleet), an empty page that still has a nextLink, and a page that
/// reaches the end still pointing to one last empty page. The nextLink is absolute, carries the api-version, and an
/// opaque base64 skip token percent-encoded as <c>%24skiptoken=…</c> (so a client that re-encodes it breaks).
/// </summary>
internal static class Paging
{
    public static (List<T> Items, string? SkipToken)? Page<T>(IReadOnlyList<T> items, IReadOnlyList<int> sizes, string? skipToken)
    {
        var (offset, page) = (0, 0);
        if (skipToken is not null && !TryDecode(skipToken, out offset, out page))
        {
            return null;
        }

        if (offset >= items.Count)
        {
            return ([], null);
        }

        var size = sizes[page % sizes.Count];
        var slice = items.Skip(offset).Take(size).ToList();
        return (slice, Encode(offset + slice.Count, page + 1));
    }

    public static string NextLink(string baseUrl, string path, string apiVersion, string skipToken, string? extraQuery = null) =>
        $"{baseUrl}{path}?api-version={Uri.EscapeDataString(apiVersion)}{extraQuery}&%24skiptoken={Uri.EscapeDataString(skipToken)}";

    private static string Encode(int offset, int page) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"sim1:{offset}:{page}:{offset * 7919 % 9973}")));

    private static bool TryDecode(string token, out int offset, out int page)
    {
        offset = page = 0;
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            return parts.Length == 4 && parts[0] == "sim1"
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out offset)
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out page);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
