using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using Microsoft.Win32.SafeHandles;

namespace AzureRdsFix.Cli.Journal;

/// <summary>
/// Every VM's latest report line, read from the journal when it is needed instead of held in memory: the run keeps
/// ~100 bytes per VM (where its line is) rather than the whole report with its evidence, so memory stays bounded on a
/// big fleet. Ordered by subscription, then VM id; a VM reported twice (cut and resumed) counts once, by its last line.
/// </summary>
public sealed class JournalReportList : IReadOnlyList<VmReport>, IDisposable
{
    private static readonly byte[] OutcomeMarker = "\"type\":\"vm-outcome\""u8.ToArray();

    private readonly SafeFileHandle _file;
    private readonly (long Offset, int Length)[] _lines;

    private JournalReportList(SafeFileHandle file, (long Offset, int Length)[] lines)
    {
        _file = file;
        _lines = lines;
    }

    public int Count => _lines.Length;

    public VmReport this[int index]
    {
        get
        {
            var (offset, length) = _lines[index];
            var buffer = new byte[length];
            RandomAccess.Read(_file, buffer, offset);
            var entry = JsonNode.Parse(buffer)!;
            return ReportJson.FromNode(entry["data"]!["report"]!);
        }
    }

    public static JournalReportList Open(string path)
    {
        var latest = new Dictionary<string, (long Offset, int Length, string Subscription, string Id)>(VmRef.IdComparer);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
        {
            foreach (var (offset, line) in Lines(stream))
            {
                if (line.AsSpan().IndexOf(OutcomeMarker) < 0 || Outcome(line) is not { } outcome)
                {
                    continue;
                }

                latest[outcome.VmId] = (offset, line.Length, outcome.Subscription, outcome.Id);
            }
        }

        var ordered = latest.Values
            .OrderBy(l => l.Subscription, StringComparer.OrdinalIgnoreCase)
            .ThenBy(l => l.Id, StringComparer.OrdinalIgnoreCase)
            .Select(l => (l.Offset, l.Length))
            .ToArray();
        return new JournalReportList(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), ordered);
    }

    public IEnumerator<VmReport> GetEnumerator()
    {
        for (var i = 0; i < _lines.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _file.Dispose();

    /// <summary>The VM of a vm-outcome line; null for a line a killed process left cut.</summary>
    private static (string VmId, string Subscription, string Id)? Outcome(byte[] line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.GetProperty("type").GetString() != JournalTypes.VmOutcome)
            {
                return null;
            }

            var report = root.GetProperty("data").GetProperty("report");
            return (root.GetProperty("vmId").GetString()!, report.GetProperty("subscriptionId").GetString()!, report.GetProperty("id").GetString()!);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Each line of the file with the byte offset it starts at.</summary>
    private static IEnumerable<(long Offset, byte[] Line)> Lines(Stream stream)
    {
        var pending = new MemoryStream();
        var buffer = new byte[1 << 16];
        long position = 0;
        long lineStart = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                pending.Write(buffer, start, i - start);
                if (pending.Length > 0)
                {
                    yield return (lineStart, pending.ToArray());
                }

                pending.SetLength(0);
                start = i + 1;
                lineStart = position + i + 1;
            }

            pending.Write(buffer, start, read - start);
            position += read;
        }

        if (pending.Length > 0)
        {
            yield return (lineStart, pending.ToArray());
        }
    }
}
