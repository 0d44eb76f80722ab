using System.Threading.Channels;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Journal;

/// <summary>
/// Appends one JSON line per entry; <see cref="AppendAsync"/> returns only once its line is on disk, so a killed run
/// loses nothing it acknowledged. Lines that arrive while a write is in progress are written and synced together (group
/// commit): one fsync serves many VMs, instead of every step of every VM queueing behind its own.
/// </summary>
public sealed class JournalWriter : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly Channel<(byte[] Line, JournalEvent Event, TaskCompletionSource Written)> _pending =
        Channel.CreateUnbounded<(byte[], JournalEvent, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Folded as written (after the records already in the file): the run's state without reading it back.</summary>
    private readonly RunFold _fold = new();
    private readonly List<RunStarted> _starts = [];

    private readonly Task _writer;

    public JournalWriter(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        DropCutTail(_stream);
        if (_stream.Length > 0)
        {
            // A resumed run goes on in the same journal (or one seeded with it): its records are the start of the fold.
            _stream.Flush();
            foreach (var line in JournalReader.Lines(Path))
            {
                Fold(line.Event, line.Offset, line.Length);
            }
        }

        _stream.Seek(0, SeekOrigin.End);
        _writer = Task.Run(WriteLoopAsync);
    }

    public string Path { get; }

    /// <summary>Not cancellable on purpose: a record of what happened must be written even while the run is being cancelled.</summary>
    public Task AppendAsync(JournalEvent journalEvent)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var line = JournalJson.Serialize(journalEvent);
        if (!_pending.Writer.TryWrite((line, journalEvent, written)))
        {
            written.SetException(new ObjectDisposedException(nameof(JournalWriter), "The journal is closed."));
        }

        return written.Task;
    }

    /// <summary>
    /// The journal as folded so far. Read it once every append was awaited (the end of a run): the write loop is the only
    /// one that changes it.
    /// </summary>
    public JournalView View() => JournalView.FromFold(Path, _fold, _starts);

    private void Fold(JournalEvent journalEvent, long offset, int length)
    {
        if (journalEvent is RunStarted started && _starts.Count == 0)
        {
            _starts.Add(started);
        }

        _fold.Apply(journalEvent, new ReportLocation(0, offset, length));
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer;
        await _stream.DisposeAsync();
    }

    /// <summary>
    /// A run killed mid-write leaves a last line without its newline. It was never acknowledged, so it is dropped before
    /// appending: otherwise the next record would be glued to it and the journal would hold a bad line in its middle.
    /// </summary>
    private static void DropCutTail(FileStream stream)
    {
        var end = stream.Length;
        var keep = end;
        var one = new byte[1];
        while (keep > 0)
        {
            stream.Seek(keep - 1, SeekOrigin.Begin);
            if (stream.Read(one, 0, 1) == 1 && one[0] == (byte)'\n')
            {
                break;
            }

            keep--;
        }

        if (keep != end)
        {
            stream.SetLength(keep);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<TaskCompletionSource>();
        while (await _pending.Reader.WaitToReadAsync())
        {
            batch.Clear();
            try
            {
                while (_pending.Reader.TryRead(out var item))
                {
                    batch.Add(item.Written);
                    Fold(item.Event, _stream.Position, item.Line.Length);
                    _stream.Write(item.Line);
                    _stream.WriteByte((byte)'\n');
                }

                _stream.Flush(flushToDisk: true);
                batch.ForEach(w => w.SetResult());
            }
            catch (Exception ex)
            {
                // A disk error, or a record the fold cannot take: its writers hear of it. The loop goes on, so no later
                // append waits forever on a writer that died.
                batch.ForEach(w => w.TrySetException(ex));
            }
        }
    }
}
