using System.Text.Json;
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
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly FileStream _stream;
    private readonly Channel<(byte[] Line, TaskCompletionSource Written)> _pending =
        Channel.CreateUnbounded<(byte[], TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _writer;

    public JournalWriter(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        DropCutTail(_stream);
        _stream.Seek(0, SeekOrigin.End);
        _writer = Task.Run(WriteLoopAsync);
    }

    public string Path { get; }

    /// <summary>Not cancellable on purpose: a record of what happened must be written even while the run is being cancelled.</summary>
    public Task AppendAsync(JournalEntry entry)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Options);
        if (!_pending.Writer.TryWrite((line, written)))
        {
            written.SetException(new ObjectDisposedException(nameof(JournalWriter), "The journal is closed."));
        }

        return written.Task;
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
                    _stream.Write(item.Line);
                    _stream.WriteByte((byte)'\n');
                    batch.Add(item.Written);
                }

                _stream.Flush(flushToDisk: true);
                batch.ForEach(w => w.SetResult());
            }
            catch (IOException ex)
            {
                batch.ForEach(w => w.TrySetException(ex));
            }
        }
    }
}
