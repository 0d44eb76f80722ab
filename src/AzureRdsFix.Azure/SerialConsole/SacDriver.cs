using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// Drives Windows Special Administration Console over a serial text stream, the way Microsoft's procedure does it by
/// hand (reference/serial-console.md §3, §6): wake SAC, <c>cmd</c>, open the new channel by its name, log in, run
/// short commands whose exit codes come back on marker lines, then <c>exit</c> and Esc-Tab-0. Every wait has a
/// timeout; typing is paced and its echo checked; nothing typed or received is logged (the password passes through here).
/// </summary>
public sealed partial class SacDriver(ISerialTransport transport, SacOptions options, TimeProvider time)
{
    /// <summary>Esc-Tab-0: back to the SAC channel (S14, S22).</summary>
    public const string ReturnToSac = "\x1b\t0";

    private readonly StringBuilder _screen = new();
    private string _pendingEscape = string.Empty;
    private int _commandNumber;

    /// <summary>The cmd channel this session opened (e.g. Cmd0001), once opened.</summary>
    public string? Channel { get; private set; }

    /// <summary>True once logged in to the cmd channel.</summary>
    public bool LoggedIn { get; private set; }

    /// <summary>Wakes SAC, launches cmd, opens its channel and logs in; ends at the cmd prompt.</summary>
    public async Task OpenAsync(SerialCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        await ReachSacAsync(cancellationToken);
        Channel = await LaunchCmdAsync(cancellationToken);
        await TypeLineAsync($"ch -sn {Channel}", cancellationToken);
        await WaitForAsync(AnyOtherKey(), options.ChannelTimeout, $"SAC to switch to channel {Channel}", cancellationToken, NoSuchChannel());

        // Any key shows the channel; its first screen asks for credentials.
        await transport.SendAsync("\r", cancellationToken);
        await WaitForAsync(UsernamePrompt(), options.LoginPromptTimeout, "the Username prompt of the cmd channel", cancellationToken);
        await TypeLineAsync(credentials.User, cancellationToken);
        await WaitForAsync(DomainPrompt(), options.LoginPromptTimeout, "the Domain prompt", cancellationToken);
        await TypeLineAsync(credentials.Domain, cancellationToken);
        await WaitForAsync(PasswordPrompt(), options.LoginPromptTimeout, "the Password prompt", cancellationToken);

        // Whether SAC echoes the password is unconfirmed (reference §3), so it is typed without an echo check.
        await TypeAsync(credentials.Password, cancellationToken);
        await transport.SendAsync("\r", cancellationToken);
        await WaitForAsync(
            CmdPrompt(),
            options.CmdPromptTimeout,
            "the cmd prompt after logging in",
            cancellationToken,
            AuthenticationFailed(),
            _ => new SerialConsoleException(SerialFailure.LoginFailed, $"the guest refused the serial console login as {credentials} (\"Unable to authenticate\")"));
        LoggedIn = true;

        // The first cmd prompt sometimes eats the first command (S13): spend an empty line on it.
        await transport.SendAsync("\r", cancellationToken);
        await WaitForAsync(CmdPrompt(), options.CmdPromptTimeout, "the cmd prompt", cancellationToken);
    }

    /// <summary>
    /// Runs one cmd line and returns what it printed and its exit code, read from marker lines the tool echoes before and
    /// after it (<c>echo %ERRORLEVEL%</c> on its own line, since cmd expands it when it parses the line).
    /// </summary>
    public async Task<CommandOutput> RunAsync(string commandLine, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandLine);
        if (!LoggedIn)
        {
            throw new InvalidOperationException("Open the cmd channel before running commands.");
        }

        EnsureTypable(commandLine);
        var n = ++_commandNumber;

        // The caret keeps the typed line from matching the marker: cmd prints "AZRDSFIX-BEGIN 3", the echo shows "AZRDSFIX^-BEGIN 3".
        await TypeLineAsync($"echo AZRDSFIX^-BEGIN {n}", cancellationToken);
        await WaitForAsync(new Regex($@"(?m)^AZRDSFIX-BEGIN {n}\r?$"), options.CommandTimeout, $"the start marker of command {n}", cancellationToken);
        await TypeLineAsync(commandLine, cancellationToken, timeout ?? options.CommandTimeout);
        await TypeLineAsync($"echo AZRDSFIX^-END {n} %ERRORLEVEL%", cancellationToken, timeout ?? options.CommandTimeout);
        var end = await WaitForAsync(
            new Regex($@"(?m)^AZRDSFIX-END {n} (?<code>-?\d+)\r?$"),
            timeout ?? options.CommandTimeout,
            $"the end marker of '{FirstWords(commandLine)}'",
            cancellationToken);
        return new CommandOutput(end.Preceding, int.Parse(end.Match.Groups["code"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Logs out (<c>exit</c>), returns to SAC with Esc-Tab-0 and closes the channel if it is still there. Best effort.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (LoggedIn)
            {
                await transport.SendAsync("exit\r", cancellationToken);
                LoggedIn = false;
                await TryWaitAsync(AnyOtherKey(), options.SacPromptTimeout, cancellationToken);
            }

            await transport.SendAsync(ReturnToSac, cancellationToken);
            if (Channel is not null && await TryWaitAsync(SacPrompt(), options.SacPromptTimeout, cancellationToken))
            {
                // A cmd that exited leaves no channel ("could not find" then); one that did not is closed, not left logged in.
                await transport.SendAsync($"ch -cn {Channel}\r", cancellationToken);
                await TryWaitAsync(SacPrompt(), options.SacPromptTimeout, cancellationToken);
            }
        }
        catch (Exception e) when (e is SerialConsoleException or OperationCanceledException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
        {
            // The session is already gone (or closing took too long): nothing left to close, and the failure that
            // ended the session, not this one, is what the operator must see.
        }
    }

    private async Task ReachSacAsync(CancellationToken cancellationToken)
    {
        await transport.SendAsync("\r", cancellationToken);
        if (await TryWaitAsync(SacPrompt(), options.SacPromptTimeout, cancellationToken))
        {
            return;
        }

        // Left in a channel by an earlier session: Esc-Tab-0 returns to SAC (S14).
        await transport.SendAsync(ReturnToSac, cancellationToken);
        await transport.SendAsync("\r", cancellationToken);
        await WaitForAsync(SacPrompt(), options.SacPromptTimeout, "the SAC> prompt (is SAC enabled in the guest? see README, serial console)", cancellationToken);
    }

    private async Task<string> LaunchCmdAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await TypeLineAsync("cmd", cancellationToken);
            try
            {
                var created = await WaitForAsync(
                    ChannelCreated(),
                    options.ChannelTimeout,
                    "SAC to create the cmd channel",
                    cancellationToken,
                    CmdError(),
                    m => new SerialConsoleException(SerialFailure.Protocol, $"SAC could not launch cmd: {m.Value.Trim()}"));
                return created.Match.Groups["name"].Value;
            }
            catch (SerialConsoleException) when (attempt == 0 && LastFailureWasMaxChannels)
            {
                // Leftover channels from earlier sessions fill SAC's table: close them (indexes 1..9; 0 is SAC itself) and try once more.
                LastFailureWasMaxChannels = false;
                for (var index = 9; index >= 1; index--)
                {
                    await TypeLineAsync($"ch -ci {index}", cancellationToken);
                    await WaitForAsync(SacPrompt(), options.SacPromptTimeout, "the SAC> prompt", cancellationToken);
                }
            }
        }
    }

    private bool LastFailureWasMaxChannels { get; set; }

    /// <summary>Types a line, checks it came back as echo, then presses Enter.</summary>
    private async Task TypeLineAsync(string line, CancellationToken cancellationToken, TimeSpan? echoTimeout = null)
    {
        EnsureTypable(line);
        var start = _screen.Length;
        await TypeAsync(line, cancellationToken);
        if (line.Length > 0)
        {
            await WaitForEchoAsync(line, start, echoTimeout ?? options.EchoTimeout, cancellationToken);
        }

        await transport.SendAsync("\r", cancellationToken);
    }

    /// <summary>SAC caps a paste at 2,048 characters (S4): every line stays one line well under it.</summary>
    private static void EnsureTypable(string line)
    {
        if (line.Length >= SacOptions.MaxLineLength || line.Contains('\r') || line.Contains('\n'))
        {
            throw new ArgumentException($"A serial console line must be one line under {SacOptions.MaxLineLength} characters.", nameof(line));
        }
    }

    private async Task TypeAsync(string text, CancellationToken cancellationToken)
    {
        for (var i = 0; i < text.Length; i += options.TypingChunk)
        {
            await transport.SendAsync(text.Substring(i, Math.Min(options.TypingChunk, text.Length - i)), cancellationToken);
            if (options.TypingDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.TypingDelay, time, cancellationToken);
            }
        }
    }

    private async Task WaitForEchoAsync(string line, int start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            // A long line wraps at the 80-column screen edge: compare without line breaks.
            var typed = _screen.ToString(Math.Min(start, _screen.Length), _screen.Length - Math.Min(start, _screen.Length))
                .Replace("\r", string.Empty, StringComparison.Ordinal)
                .Replace("\n", string.Empty, StringComparison.Ordinal);
            if (typed.Contains(line, StringComparison.Ordinal))
            {
                return;
            }

            if (!await ReceiveIntoScreenAsync(linked.Token, cancellationToken, deadline.Token))
            {
                throw new SerialConsoleException(
                    SerialFailure.Protocol,
                    $"the guest did not echo '{FirstWords(line)}' back within {Seconds(timeout)} s (characters dropped on the serial line?)");
            }
        }
    }

    private async Task<(Match Match, string Preceding)> WaitForAsync(
        Regex expected,
        TimeSpan timeout,
        string what,
        CancellationToken cancellationToken,
        Regex? failure = null,
        Func<Match, SerialConsoleException>? describeFailure = null)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            var text = _screen.ToString();
            var match = expected.Match(text);
            if (match.Success)
            {
                _screen.Remove(0, match.Index + match.Length);
                return (match, text[..match.Index]);
            }

            if (failure?.Match(text) is { Success: true } failed)
            {
                _screen.Remove(0, failed.Index + failed.Length);
                LastFailureWasMaxChannels = failed.Value.Contains("maximum number of channels", StringComparison.Ordinal);
                throw describeFailure?.Invoke(failed)
                    ?? new SerialConsoleException(SerialFailure.Protocol, $"SAC answered '{failed.Value.Trim()}' while waiting for {what}");
            }

            if (!await ReceiveIntoScreenAsync(linked.Token, cancellationToken, deadline.Token))
            {
                throw new SerialConsoleException(SerialFailure.Timeout, $"the serial console timed out after {Seconds(timeout)} s waiting for {what}");
            }
        }
    }

    private async Task<bool> TryWaitAsync(Regex expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await WaitForAsync(expected, timeout, "a prompt", cancellationToken);
            return true;
        }
        catch (SerialConsoleException e) when (e.Failure == SerialFailure.Timeout)
        {
            return false;
        }
    }

    /// <summary>Reads one piece of output into the screen; false when the wait's own deadline passed.</summary>
    private async Task<bool> ReceiveIntoScreenAsync(CancellationToken linked, CancellationToken caller, CancellationToken deadline)
    {
        string? piece;
        try
        {
            piece = await transport.ReceiveAsync(linked);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !caller.IsCancellationRequested)
        {
            return false;
        }

        if (piece is null)
        {
            throw new SerialConsoleException(SerialFailure.SessionLost, "the serial console session was closed by the other side");
        }

        _screen.Append(SacText.Clean(_pendingEscape + piece, out _pendingEscape));
        return true;
    }

    private static string FirstWords(string line)
    {
        var words = line.Split(' ', 3);
        return words.Length > 2 ? $"{words[0]} {words[1]} …" : line;
    }

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    // Exact strings from ReactOS sacmsg.mc (S12) and the drivers' matches (S13, S14, S15).
    [GeneratedRegex(@"SAC>")]
    private static partial Regex SacPrompt();

    [GeneratedRegex(@"Channel:\s+(?<name>Cmd\d{4})")]
    private static partial Regex ChannelCreated();

    [GeneratedRegex(@"(Unable to launch a Command Prompt[^\r\n]*|The maximum number of channels has been reached\.|Launching of Command Prompt channels is disabled\.)")]
    private static partial Regex CmdError();

    [GeneratedRegex(@"Use any other key to view this channel\.")]
    private static partial Regex AnyOtherKey();

    [GeneratedRegex(@"Error: Could not find a channel with that name\.")]
    private static partial Regex NoSuchChannel();

    [GeneratedRegex(@"Username\s*:")]
    private static partial Regex UsernamePrompt();

    [GeneratedRegex(@"Domain\s*:")]
    private static partial Regex DomainPrompt();

    [GeneratedRegex(@"Password\s*:")]
    private static partial Regex PasswordPrompt();

    [GeneratedRegex(@"Unable to authenticate")]
    private static partial Regex AuthenticationFailed();

    [GeneratedRegex(@"(?m)^[A-Za-z]:\\[^\r\n>]*>")]
    private static partial Regex CmdPrompt();
}

/// <summary>What one cmd line printed between its markers (echo and prompts included) and its exit code.</summary>
public sealed record CommandOutput(string Text, int ExitCode);
