using System.Text.Json;

namespace AzureRdsFix.Core.Journal;

/// <summary>One whole record of a journal file and where it sits (so a report line can be read again without holding it).</summary>
public readonly record struct JournalLine(long Offset, int Length, JournalEvent Event);

/// <summary>A journal line that is not a record of this schema (not one cut by a kill).</summary>
public sealed class JournalFormatException(string path, int lineNumber, string reason)
    : Exception($"Journal '{path}' line {lineNumber} is not a journal record ({reason}): expected one JSON event per line as azrdsfix {JournalJson.SchemaVersion}.x writes them.")
{
    public int LineNumber { get; } = lineNumber;
}

/// <summary>The one reader of journal files: streams the records in order, never the whole file in memory.</summary>
public static class JournalFile
{
    /// <summary>
    /// Every whole record. A last line cut by a killed process is skipped (it was never acknowledged); a bad line anywhere
    /// else throws <see cref="JournalFormatException"/> with its number.
    /// </summary>
    public static IEnumerable<JournalLine> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var number = 0;
        JsonException? pending = null;
        var pendingNumber = 0;
        foreach (var (offset, line) in Lines(stream))
        {
            number++;
            if (pending is not null)
            {
                // The bad line was not the last one: it is not a cut, it is a bad journal.
                throw new JournalFormatException(path, pendingNumber, FirstSentence(pending));
            }

            if (line.AsSpan().Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            JournalEvent journalEvent;
            try
            {
                journalEvent = JournalJson.Deserialize(line);
            }
            catch (JsonException ex)
            {
                pending = ex;
                pendingNumber = number;
                continue;
            }

            yield return new JournalLine(offset, line.Length, journalEvent);
        }
    }

    /// <summary>One record's bytes again, at the place <see cref="Read"/> found it.</summary>
    public static JournalEvent ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, int length)
    {
        var buffer = new byte[length];
        RandomAccess.Read(file, buffer, offset);
        return JournalJson.Deserialize(buffer);
    }

    private static string FirstSentence(JsonException ex) => ex.Message.Split('.')[0];

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
                yield return (lineStart, pending.ToArray());
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
