using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using AzureRdsFix.Azure.SerialConsole;

namespace AzureRdsFix.Azure.Tests.SerialConsole;

/// <summary>One exchange of a recorded session: the line the tool must type (regex), and what the console printed back.</summary>
public sealed record SacStep(string Expect, string? Reply, bool Echo = true, bool CloseAfter = false);

/// <summary>
/// Plays a recorded SAC transcript: echoes what is typed (as SAC does) and, at each Enter, checks the typed line against
/// the next step and prints its recorded reply. Esc sequences count as a line of their own.
/// </summary>
public sealed class ScriptedSacTransport : ISerialTransport
{
    private readonly Queue<SacStep> _steps;
    private readonly Channel<string?> _output = Channel.CreateUnbounded<string?>();
    private readonly StringBuilder _line = new();

    public ScriptedSacTransport(string banner, IEnumerable<SacStep> steps)
    {
        _steps = new Queue<SacStep>(steps);
        _output.Writer.TryWrite(banner);
    }

    public List<string> Typed { get; } = [];

    public List<string> Mismatches { get; } = [];

    public List<string> Sends { get; } = [];

    public Task SendAsync(string text, CancellationToken cancellationToken)
    {
        Sends.Add(text);
        if (text.StartsWith('\x1b'))
        {
            Complete(text);
            return Task.CompletedTask;
        }

        foreach (var c in text)
        {
            if (c == '\r')
            {
                Complete(_line.ToString());
                _line.Clear();
            }
            else
            {
                _line.Append(c);
                if (_steps.TryPeek(out var next) && next.Echo)
                {
                    _output.Writer.TryWrite(c.ToString());
                }
            }
        }

        return Task.CompletedTask;
    }

    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var piece = await _output.Reader.ReadAsync(cancellationToken);
        if (piece is null)
        {
            _output.Writer.TryWrite(null);
        }

        return piece;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Complete(string line)
    {
        Typed.Add(line);
        if (!_steps.TryDequeue(out var step))
        {
            return;
        }

        if (!Regex.IsMatch(line, "^" + step.Expect + "$"))
        {
            Mismatches.Add($"expected /{step.Expect}/, typed '{line}'");
            return;
        }

        if (step.Reply is not null)
        {
            _output.Writer.TryWrite(step.Reply);
        }

        if (step.CloseAfter)
        {
            _output.Writer.TryWrite(null);
        }
    }
}
