using System.Text.Json.Nodes;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Tests;

public sealed class JournalTests
{
    [Fact]
    public async Task AppendAsync_ManyConcurrentWriters_EveryAcknowledgedLineIsWholeOnDisk()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "journal.jsonl");
        await using (var journal = new JournalWriter(path))
        {
            await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => journal.AppendAsync(Entry($"vm-{i}")))));

            // Acknowledged means on disk, before the writer is closed.
            JournalReader.Read(path).Select(e => e.VmId).Should().BeEquivalentTo(Enumerable.Range(0, 400).Select(i => $"vm-{i}"));
        }
    }

    [Fact]
    public async Task AppendAsync_SameWriterInSequence_KeepsItsOrder()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "journal.jsonl");
        await using (var journal = new JournalWriter(path))
        {
            foreach (var step in new[] { JournalSteps.Snapshot, JournalSteps.Remediate, JournalSteps.Restart })
            {
                await journal.AppendAsync(Entry("vm-1") with { Step = step });
            }
        }

        JournalReader.Read(path).Select(e => e.Step).Should().Equal(JournalSteps.Snapshot, JournalSteps.Remediate, JournalSteps.Restart);
    }

    [Fact]
    public async Task Read_LastLineCutByAKill_IsSkippedButABadLineElsewhereIsNamed()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "journal.jsonl");
        await using (var journal = new JournalWriter(path))
        {
            await journal.AppendAsync(Entry("vm-1"));
        }

        await File.AppendAllTextAsync(path, "{\"at\":\"2026-11-25T00:00:00+00:00\",\"ty");
        JournalReader.Read(path).Should().ContainSingle();

        await File.AppendAllTextAsync(path, "\n" + new JsonObject { ["at"] = "2026-11-25T00:00:00+00:00", ["type"] = "step" }.ToJsonString() + "\n");
        var read = () => JournalReader.Read(path);
        read.Should().Throw<UsageException>().WithMessage("*line 2*");
    }

    private static JournalEntry Entry(string vmId) => new()
    {
        At = DateTimeOffset.UnixEpoch,
        Type = JournalTypes.Step,
        VmId = vmId,
        Step = JournalSteps.Probe,
        Status = StepStatus.Succeeded,
    };
}
