using System.Text.Json;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Journal;

/// <summary>Journal files as the CLI meets them: every problem with one is bad input, said in one sentence.</summary>
public static class JournalReader
{
    /// <summary>
    /// Streams a journal's records. A missing, unreadable or empty journal, or a bad line that is not a cut last line, is
    /// bad input: there is no run in it to resume, report or roll back.
    /// </summary>
    public static IEnumerable<JournalLine> Lines(string path)
    {
        Check(path);
        IEnumerator<JournalLine> lines;
        try
        {
            lines = JournalFile.Read(path).GetEnumerator();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw Unreadable(path, ex);
        }

        using (lines)
        {
            var any = false;
            while (true)
            {
                try
                {
                    if (!lines.MoveNext())
                    {
                        break;
                    }
                }
                catch (JournalFormatException ex)
                {
                    throw new UsageException(ex.Message);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    throw Unreadable(path, ex);
                }

                any = true;
                yield return lines.Current;
            }

            if (!any)
            {
                throw new UsageException($"Journal '{path}' is empty: expected the journal.jsonl of an earlier run, which starts with its run-started record.");
            }
        }
    }

    /// <summary>All records of a journal, in order (for tests and small journals; the CLI folds <see cref="Lines"/>).</summary>
    public static IReadOnlyList<JournalEvent> Read(string path) => Lines(path).Select(l => l.Event).ToArray();

    /// <summary>Copies the whole lines of a journal (not a last line cut by a kill) to the start of another.</summary>
    public static void CopyWholeLines(string source, string destination)
    {
        Check(source);
        var lines = File.ReadAllLines(source);
        using var output = new StreamWriter(destination, append: false, new System.Text.UTF8Encoding(false));
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]) || (i == lines.Length - 1 && !IsWhole(lines[i])))
            {
                continue;
            }

            output.Write(lines[i]);
            output.Write('\n');
        }

        output.Flush();
    }

    private static bool IsWhole(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Check(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"Journal '{path}' is a folder: expected the journal.jsonl file of an earlier run (e.g. {Path.Combine(path, RunFolder.JournalFileName)}).");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"Journal '{path}' does not exist: expected the journal.jsonl of an earlier run.");
        }
    }

    private static UsageException Unreadable(string path, Exception ex)
        => new($"Journal '{path}' cannot be read ({ex.Message.TrimEnd('.')}): expected a journal.jsonl this user may read.");
}
