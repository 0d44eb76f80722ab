using System.Text.Json;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Journal;

public static class JournalReader
{
    /// <summary>
    /// Reads every whole entry. A last line cut by a killed process is skipped (it was never acknowledged); a bad line
    /// anywhere else is bad input, reported with its line number. A missing, unreadable or empty journal is bad input:
    /// there is no run in it to resume, report or roll back.
    /// </summary>
    public static IReadOnlyList<JournalEntry> Read(string path)
    {
        var lines = ReadLines(path);
        var entries = new List<JournalEntry>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                entries.Add(JsonSerializer.Deserialize<JournalEntry>(lines[i]) ?? throw new JsonException("null entry"));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                // The process was killed mid-write: this record was never completed, so nothing relied on it.
            }
            catch (JsonException ex)
            {
                throw new UsageException($"Journal '{path}' line {i + 1} is not a journal entry ({ex.Message.Split('.')[0]}): expected one JSON object per line as azrdsfix writes them.");
            }
        }

        if (entries.Count == 0)
        {
            throw new UsageException($"Journal '{path}' is empty: expected the journal.jsonl of an earlier run, which starts with its run-started record.");
        }

        return entries;
    }

    /// <summary>Copies the whole lines of a journal (not a last line cut by a kill) to the start of another.</summary>
    public static void CopyWholeLines(string source, string destination)
    {
        var lines = ReadLines(source);
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

    private static string[] ReadLines(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"Journal '{path}' is a folder: expected the journal.jsonl file of an earlier run (e.g. {Path.Combine(path, RunFolder.JournalFileName)}).");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"Journal '{path}' does not exist: expected the journal.jsonl of an earlier run.");
        }

        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"Journal '{path}' cannot be read ({ex.Message.TrimEnd('.')}): expected a journal.jsonl this user may read.");
        }
    }
}
