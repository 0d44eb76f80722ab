using System.Text.Json.Nodes;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

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
            await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => journal.AppendAsync(Step($"vm-{i}", JournalStep.Probe)))));

            // Acknowledged means on disk, before the writer is closed.
            JournalReader.Read(path).Select(e => e.VmId()).Should().BeEquivalentTo(Enumerable.Range(0, 400).Select(i => $"vm-{i}"));
        }
    }

    [Fact]
    public async Task AppendAsync_SameWriterInSequence_KeepsItsOrder()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "journal.jsonl");
        await using (var journal = new JournalWriter(path))
        {
            foreach (var step in new[] { JournalStep.Snapshot, JournalStep.Remediate, JournalStep.Restart })
            {
                await journal.AppendAsync(Step("vm-1", step));
            }
        }

        JournalReader.Read(path).Cast<StepFinished>().Select(e => e.Step).Should().Equal(JournalStep.Snapshot, JournalStep.Remediate, JournalStep.Restart);
    }

    [Fact]
    public async Task Read_LastLineCutByAKill_IsSkippedButABadLineElsewhereIsNamed()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "journal.jsonl");
        await using (var journal = new JournalWriter(path))
        {
            await journal.AppendAsync(Step("vm-1", JournalStep.Probe));
        }

        await File.AppendAllTextAsync(path, "{\"type\":\"step-finished\",\"at\":\"2026-11-25T00:00:00+00:00\",\"ru");
        JournalReader.Read(path).Should().ContainSingle();

        await File.AppendAllTextAsync(path, "\n" + new JsonObject { ["type"] = "step", ["at"] = "2026-11-25T00:00:00+00:00" }.ToJsonString() + "\n");
        var read = () => JournalReader.Read(path);
        read.Should().Throw<UsageException>().WithMessage("*line 2*");
    }

    [Fact]
    public void Events_RoundTripThroughTheOneSerializer_WithWireNamesForEnums()
    {
        var vm = new VmRef("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1", "vm-1", "s", "rg", "westeurope", new Dictionary<string, string> { ["role"] = "rdsh" });
        JournalEvent[] events =
        [
            new RunStarted { At = DateTimeOffset.UnixEpoch, RunId = "r", Command = RunCommand.Fix, Fix = new RecordedFix { LicenseServers = ["ls01"], LicensingMode = 4 } },
            new VmDiscovered { At = DateTimeOffset.UnixEpoch, RunId = "r", Vm = vm },
            Step(vm.Id, JournalStep.SnapshotCheck) with { Snapshot = new SnapshotInfo("/snap", "Succeeded") },
            new VmFinished { At = DateTimeOffset.UnixEpoch, RunId = "r", VmId = vm.Id, Final = true, Report = new VmReport { Id = vm.Id, Name = "vm-1", SubscriptionId = "s", ResourceGroup = "rg", Location = "westeurope", Outcome = VmOutcome.Fixed, Reason = "done" } },
            new RunFinished { At = DateTimeOffset.UnixEpoch, RunId = "r", Cancelled = false, Summary = "1 VM" },
        ];

        var lines = events.Select(e => System.Text.Encoding.UTF8.GetString(JournalJson.Serialize(e))).ToArray();

        lines[0].Should().StartWith("{\"type\":\"run-started\"").And.Contain("\"command\":\"fix\"").And.Contain("\"schemaVersion\":2");
        lines[2].Should().Contain("\"step\":\"snapshot-check\"").And.Contain("\"status\":\"succeeded\"");
        lines[3].Should().Contain("\"outcome\":\"Fixed\"");
        lines.Select(l => JournalJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(l))).Should().BeEquivalentTo(events, o => o.RespectingRuntimeTypes());
    }

    private static StepFinished Step(string vmId, JournalStep step) => new()
    {
        At = DateTimeOffset.UnixEpoch,
        RunId = "r",
        VmId = vmId,
        Step = step,
        Status = StepStatus.Succeeded,
    };
}
