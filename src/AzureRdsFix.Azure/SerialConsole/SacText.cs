using System.Text.RegularExpressions;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// Console output made matchable: SAC mixes NUL bytes into prompts and echo (<c>&lt;NUL&gt;Username:</c>), and Server
/// 2016/2019 cmd channels redraw with VT100 codes (reference/serial-console.md §3). NULs are dropped, cursor moves to a
/// row become line breaks (so redrawn rows do not run together), every other escape sequence is dropped.
/// </summary>
public static partial class SacText
{
    /// <summary>Cleans <paramref name="raw"/>; an escape sequence cut at the end is returned in <paramref name="pending"/> to prefix the next piece.</summary>
    public static string Clean(string raw, out string pending)
    {
        ArgumentNullException.ThrowIfNull(raw);
        pending = string.Empty;
        var lastEscape = raw.LastIndexOf('\x1b');
        if (lastEscape >= 0 && !CompleteEscape().IsMatch(raw[lastEscape..]))
        {
            // Too short to tell yet: keep it for the next piece (at most a few characters).
            if (raw.Length - lastEscape < 16)
            {
                pending = raw[lastEscape..];
                raw = raw[..lastEscape];
            }
        }

        var text = raw.Replace("\0", string.Empty, StringComparison.Ordinal);
        text = CursorToRow().Replace(text, "\r\n");
        text = Escape().Replace(text, string.Empty);
        return text;
    }

    public static string Clean(string raw) => Clean(raw, out _);

    [GeneratedRegex(@"\A\x1b(\[[0-9;?]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9]|[=>78DEMc])")]
    private static partial Regex CompleteEscape();

    [GeneratedRegex(@"\x1b\[\d+(;\d+)?[Hf]")]
    private static partial Regex CursorToRow();

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9]|[=>78DEMc])")]
    private static partial Regex Escape();
}
