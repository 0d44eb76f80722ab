using System.Globalization;
using System.Text;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.SerialConsole;

/// <summary>
/// One serial console connection to a simulated guest, behaving as Windows SAC does (ReactOS sacmsg.mc strings,
/// reference/serial-console.md §3): banner and <c>SAC&gt;</c>, echo with stray NULs, <c>cmd</c> creating a channel,
/// <c>ch -sn/-cn/-ci</c>, the channel header, the login prompts, <c>Unable to authenticate.</c>, the cmd prompt,
/// <c>exit</c>, Esc-Tab-0. Input above 2,048 characters at once is cut, as SAC caps a paste.
/// </summary>
internal sealed class SacSession(SimulatedVm vm, SerialConsoleSimulation console, Func<string, Task> write) : IDisposable
{
    public const int PasteLimit = 2048;

    private const string Prompt = "C:\\Windows\\\0system32>";

    private readonly CancellationTokenSource _lifetime = new();
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _line = new();
    private readonly SacChannels _channels = console.ChannelsOf(vm.Id);
    private Mode _mode = Mode.Sac;
    private CmdChannel? _channel;
    private string _user = string.Empty;
    private int _echoed;

    private enum Mode { Sac, ChannelHeader, SacHeader, Username, Domain, Password, Cmd }

    /// <summary>Cancelled when the session must end (a second connection, a dropped-connection fault).</summary>
    public CancellationToken Ended => _lifetime.Token;

    public void Disconnect()
    {
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    public void Dispose() => _lifetime.Dispose();

    public Task StartAsync()
    {
        if (vm.SerialConsole.Silent)
        {
            return Task.CompletedTask;
        }

        _out.Append("\r\nComputer is booting, SAC started and initialized.\r\n\r\nUse the \"ch -?\" command for information about using channels.\r\nUse the \"?\" command for general help.\r\n\r\n\r\nSAC>");
        return FlushAsync();
    }

    public async Task InputAsync(string text)
    {
        if (vm.SerialConsole.Silent)
        {
            return;
        }

        if (text.Length > PasteLimit)
        {
            text = text[..PasteLimit];
        }

        for (var i = 0; i < text.Length && !_lifetime.IsCancellationRequested; i++)
        {
            var c = text[i];
            if (c == '\x1b')
            {
                if (i + 2 < text.Length && text[i + 1] == '\t' && text[i + 2] == '0')
                {
                    i += 2;
                    _mode = Mode.Sac;
                    _channel = null;
                    _line.Clear();
                    _out.Append("\r\nSAC>");
                }
                else if (i + 1 < text.Length && text[i + 1] == '\t')
                {
                    i++;
                }

                continue;
            }

            if (_mode is Mode.ChannelHeader or Mode.SacHeader)
            {
                ShowChannel();
                continue;
            }

            switch (c)
            {
                case '\r':
                    var line = _line.ToString();
                    _line.Clear();
                    await LineAsync(line);
                    break;
                case '\n' or '\0':
                    break;
                case '\b':
                    if (_line.Length > 0)
                    {
                        _line.Length--;
                    }

                    break;
                default:
                    _line.Append(c);
                    if (_mode != Mode.Password)
                    {
                        // SAC mixes NULs into its echo (S14).
                        if (++_echoed % 7 == 0)
                        {
                            _out.Append('\0');
                        }

                        _out.Append(c);
                    }

                    break;
            }
        }

        await FlushAsync();
    }

    private async Task LineAsync(string line)
    {
        switch (_mode)
        {
            case Mode.Sac:
                SacCommand(line.Trim());
                break;
            case Mode.Username:
                _user = line;
                _out.Append("\r\n\0Domain  : ");
                _mode = Mode.Domain;
                break;
            case Mode.Domain:
                _out.Append("\r\nPassword: ");
                _mode = Mode.Password;
                break;
            case Mode.Password:
                if (!vm.SerialConsole.LoginRefused && _user == console.User && line == console.Password)
                {
                    _channel!.LoggedIn = true;
                    _out.Append("\r\n\r\nMicrosoft Windows [Version 10.0.20348.2340]\r\n(c) Microsoft Corporation. All rights reserved.\r\n\r\n").Append(Prompt);
                    _mode = Mode.Cmd;
                }
                else
                {
                    _out.Append("\r\nUnable to authenticate.\r\n\r\nPlease enter login credentials.\r\n\0Username: ");
                    _mode = Mode.Username;
                }

                break;
            case Mode.Cmd:
                await CmdLineAsync(line);
                break;
        }
    }

    private async Task CmdLineAsync(string line)
    {
        var channel = _channel!;
        if (string.Equals(line.Trim(), "exit", StringComparison.OrdinalIgnoreCase))
        {
            lock (_channels.Sync)
            {
                _channels.Open.Remove(channel);
            }

            _channel = null;
            _out.Append("\r\n");
            SacHeader("SAC", "Special Administration Console");
            _mode = Mode.SacHeader;
            return;
        }

        if (line.Trim().Length > 0)
        {
            console.Commands.Enqueue((vm.Id, line));
        }

        // The output of a command comes after the echo; a slow guest shows the echo first.
        await FlushAsync();
        var errorLevel = channel.ErrorLevel;
        var output = SacGuestCommands.Run(vm, line, ref errorLevel);
        channel.ErrorLevel = errorLevel;
        if (vm.SerialConsole.DropAfterCommand is { } drop && line.TrimStart().StartsWith(drop, StringComparison.OrdinalIgnoreCase))
        {
            vm.SerialConsole.DropAfterCommand = null;
            Disconnect();
            return;
        }

        _out.Append("\r\n").Append(output).Append("\r\n").Append(Prompt);
    }

    private void SacCommand(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        lock (_channels.Sync)
        {
            switch (parts)
            {
                case []:
                    _out.Append("\r\nSAC>");
                    return;
                case ["cmd"]:
                    var created = _channels.Create();
                    _out.Append(created is null
                        ? "\r\nThe maximum number of channels has been reached.\r\nSAC>"
                        : $"\r\nThe Command Prompt session was successfully launched.\r\nSAC>\r\nEVENT:   A new channel has been created.  Use \"ch -?\" for channel help.\r\nChannel: {created.Name}\r\nSAC>");
                    return;
                case ["ch", "-sn", var name]:
                    _channel = _channels.Open.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                    if (_channel is null)
                    {
                        _out.Append("\r\nError: Could not find a channel with that name.\r\nSAC>");
                        return;
                    }

                    _out.Append("\r\n");
                    SacHeader(_channel.Name, "Command Prompt");
                    _mode = Mode.ChannelHeader;
                    return;
                case ["ch", "-cn", var closeName]:
                    var removed = _channels.Open.RemoveAll(c => string.Equals(c.Name, closeName, StringComparison.OrdinalIgnoreCase));
                    _out.Append(removed > 0 ? "\r\nSAC>" : "\r\nError: Could not find a channel with that name.\r\nSAC>");
                    return;
                case ["ch", "-ci", var index] when int.TryParse(index, CultureInfo.InvariantCulture, out var i):
                    if (i >= 1 && i <= _channels.Open.Count)
                    {
                        _channels.Open.RemoveAt(i - 1);
                        _out.Append("\r\nSAC>");
                    }
                    else
                    {
                        _out.Append("\r\nError: There is no channel present at the specified index.\r\nSAC>");
                    }

                    return;
                case ["ch"]:
                    _out.Append("\r\nChannel List\r\n\r\n(Use \"ch -?\" for information on using channels)\r\n\r\n# Status  Channel Name\r\n0 (AV)    SAC\r\n");
                    for (var n = 0; n < _channels.Open.Count; n++)
                    {
                        _out.Append(CultureInfo.InvariantCulture, $"{n + 1} (AV)    {_channels.Open[n].Name}\r\n");
                    }

                    _out.Append("SAC>");
                    return;
                default:
                    _out.Append("\r\nUnrecognized command.  Try \"?\" for help.\r\nSAC>");
                    return;
            }
        }
    }

    private void ShowChannel()
    {
        if (_mode == Mode.SacHeader || _channel is null)
        {
            _mode = Mode.Sac;
            _out.Append("\r\nSAC>");
            return;
        }

        if (_channel.LoggedIn)
        {
            _mode = Mode.Cmd;
            _out.Append("\r\n").Append(Prompt);
            return;
        }

        _mode = Mode.Username;
        _out.Append("\r\nPlease enter login credentials.\r\n\0Username: ");
    }

    private void SacHeader(string name, string description) => _out
        .Append(CultureInfo.InvariantCulture, $"Name:                  {name}\r\nDescription:           {description}\r\nType:                  VT-UTF8\r\n")
        .Append(CultureInfo.InvariantCulture, $"Channel GUID:          {{{Guid.NewGuid()}}}\r\nApplication Type GUID: {{{Guid.NewGuid()}}}\r\n\r\n")
        .Append("Press <esc><tab> for next channel.\r\nPress <esc><tab>0 to return to the SAC channel.\r\nUse any other key to view this channel.\r\n");

    /// <summary>Sends what is pending in small pieces: a serial line drips, it does not burst.</summary>
    private async Task FlushAsync()
    {
        if (_out.Length == 0 || _lifetime.IsCancellationRequested)
        {
            return;
        }

        var text = _out.ToString();
        _out.Clear();
        for (var i = 0; i < text.Length; i += console.DripChunk)
        {
            await write(text.Substring(i, Math.Min(console.DripChunk, text.Length - i)));
            if (console.DripDelay > TimeSpan.Zero && i + console.DripChunk < text.Length)
            {
                await Task.Delay(console.DripDelay, _lifetime.Token).ConfigureAwait(false);
            }
        }
    }
}
