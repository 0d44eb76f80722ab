using System.Text.Json;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Journal;

/// <summary>Appends one JSON line per entry and flushes it to disk before returning, so a killed run loses nothing written.</summary>
public sealed class JournalWriter : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly FileStream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JournalWriter(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public string Path { get; }

    public async Task AppendAsync(JournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Options);
        // Not cancellable on purpose: a record of what happened must be written even while the run is being cancelled.
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await _stream.WriteAsync(line, CancellationToken.None);
            _stream.WriteByte((byte)'\n');
            await _stream.FlushAsync(CancellationToken.None);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _gate.Dispose();
    }
}
