using System.Text.Json;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Journal;

public static class JournalReader
{
    /// <summary>
    /// Reads every whole entry. A last line cut by a killed process is skipped (it was never acknowledged); a bad line
    /// anywhere else is bad input, reported with its line number.
    /// </summary>
    public static IReadOnlyList<JournalEntry> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new Arguments.UsageException($"Journal '{path}' does not exist: expected the journal.jsonl of an earlier run.");
        }

        var lines = File.ReadAllLines(path);
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
                throw new Arguments.UsageException($"Journal '{path}' line {i + 1} is not a journal entry ({ex.Message.Split('.')[0]}): expected one JSON object per line as azrdsfix writes them.");
            }
        }

        return entries;
    }
}
