using System.Text;

namespace AzureRdsFix.Simulation.Guests;

/// <summary>What the cmd.exe layer left of the Run Command parameters: the values the script binds, or null when it never starts.</summary>
public sealed record CmdExeOutcome(IReadOnlyList<KeyValuePair<string, string>>? Parameters, string StdErr);

/// <summary>
/// Run Command passes parameter values to powershell.exe through cmd.exe on a Windows VM (Learn: "Run scripts in your
/// Windows VM by using action Run Commands", known issues: <c>&amp;</c> must be escaped as <c>^&amp;</c>;
/// azure-powershell issues 29880, 19087, 7269: <c>^ &amp; % &lt; &gt; | "</c> are consumed or acted on and unquoted values
/// end at a space). This model applies that treatment to each raw value, strictly: <c>"</c> toggles quoting and is
/// dropped; <c>^</c> outside quotes escapes the next character; <c>%</c> is dropped (environment expansion); outside
/// quotes, <c>&amp;</c> and <c>|</c> end the command (the rest is run as another command, which fails), <c>&lt;</c> and
/// <c>&gt;</c> are redirections (the script does not run), and a space or tab ends the value (PowerShell then refuses the
/// extra positional argument). Hex-encoded values contain none of these and pass unchanged. Where the real layer might be
/// more lenient (an unset <c>%x%</c> stays literal there), the model fails, which is the safe side.
/// </summary>
public static class CmdExeLayer
{
    public static CmdExeOutcome Pass(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var passed = new List<KeyValuePair<string, string>>();
        foreach (var (name, raw) in parameters)
        {
            var value = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '"')
                {
                    quoted = !quoted;
                    continue;
                }

                if (c == '%')
                {
                    continue;
                }

                if (!quoted && c == '^')
                {
                    if (++i < raw.Length)
                    {
                        value.Append(raw[i]);
                    }

                    continue;
                }

                if (!quoted && c is '&' or '|')
                {
                    passed.Add(new(name, value.ToString()));
                    var rest = raw[(i + 1)..].Trim().Split(' ', '\t')[0];
                    return new CmdExeOutcome(passed, $"'{rest}' is not recognized as an internal or external command,\noperable program or batch file.\n");
                }

                if (!quoted && c is '<' or '>')
                {
                    return new CmdExeOutcome(null, "The system cannot find the file specified.\n");
                }

                if (!quoted && c is ' ' or '\t')
                {
                    var extra = raw[(i + 1)..].TrimStart(' ', '\t');
                    if (extra.Length > 0)
                    {
                        return new CmdExeOutcome(null, $"A positional parameter cannot be found that accepts argument '{extra.Split(' ', '\t')[0]}'.\n");
                    }

                    break;
                }

                value.Append(c);
            }

            passed.Add(new(name, value.ToString()));
        }

        return new CmdExeOutcome(passed, string.Empty);
    }
}
