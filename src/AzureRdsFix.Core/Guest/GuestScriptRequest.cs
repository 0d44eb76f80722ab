namespace AzureRdsFix.Core.Guest;

/// <summary>
/// One in-guest script run: the script text (sent as Run Command script lines) and its parameters (sent as Run Command
/// parameters, never pasted into the text). <see cref="Kind"/> is the output line kind the script prints
/// (<c>AZRDSFIX &lt;kind&gt; {json}</c>).
/// </summary>
public sealed record GuestScriptRequest(string Name, string Kind, IReadOnlyList<string> Lines, IReadOnlyList<KeyValuePair<string, string>> Parameters);

/// <summary>What a guest channel brought back: stdout and stderr as the platform returned them (possibly cut).</summary>
public sealed record GuestRunResult(string StdOut, string StdErr, string Channel);
