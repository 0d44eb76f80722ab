using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// Where a run writes and what it resumes from, through the CLI as a user types it: a resumed run's out folder is
/// self-contained, --journal is honoured, and every bad --out, --journal or --resume is one sentence and exit 2 with
/// nothing changed.
/// </summary>
public sealed class RunFolderTests
{
    [Fact]
    public async Task Fix_ResumedIntoAnotherOutFolder_ThatFolderHoldsTheWholeJournalBesideTheReport()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var first = sim.Out("first");
        (await sim.RunAsync("scan", "--out", first)).ExitCode.Should().Be(1);
        var firstLines = File.ReadAllLines(Path.Combine(first, "journal.jsonl"));

        var second = sim.Out("second");
        var resumed = await sim.RunAsync("scan", "--resume", Path.Combine(first, "journal.jsonl"), "--out", second);

        resumed.ExitCode.Should().Be(1, resumed.StdErr);
        var secondLines = File.ReadAllLines(Path.Combine(second, "journal.jsonl"));
        secondLines.Take(firstLines.Length).Should().Equal(firstLines, "the resumed run's journal starts with the earlier run's records");
        secondLines.Length.Should().BeGreaterThan(firstLines.Length, "and goes on with its own");
        SimulatorSession.ReadReport(second).Vms.Should().HaveCount(13);
        File.ReadAllLines(Path.Combine(first, "journal.jsonl")).Should().Equal(firstLines, "the earlier run's journal is not changed");
    }

    [Fact]
    public async Task Scan_WithJournalOption_WritesTheJournalThere()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var journal = Path.Combine(sim.Dir.Path, "elsewhere", "run.jsonl");

        var result = await sim.RunAsync("scan", "--out", sim.Out("out"), "--journal", journal);

        result.ExitCode.Should().Be(1, result.StdErr);
        JournalView.Open(journal).Vms().Should().HaveCount(13);
        File.Exists(Path.Combine(sim.Out("out"), "journal.jsonl")).Should().BeFalse();
    }

    [Fact]
    public async Task Scan_OutFolderHoldsAnotherRunsJournal_ExitsTwoAndLeavesItAlone()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("run");
        (await sim.RunAsync("scan", "--out", outDir)).ExitCode.Should().Be(1);
        var before = File.ReadAllText(Path.Combine(outDir, "journal.jsonl"));

        var again = await sim.RunAsync("scan", "--out", outDir);

        again.ExitCode.Should().Be(2, again.StdErr);
        OneSentence(again.StdErr).Should().Contain("--out").And.Contain("another run");
        File.ReadAllText(Path.Combine(outDir, "journal.jsonl")).Should().Be(before);
    }

    [Fact]
    public async Task Scan_OutIsAFile_ExitsTwo()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var file = sim.Out("a-file");
        await File.WriteAllTextAsync(file, "x");

        var result = await sim.RunAsync("scan", "--out", file);

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain("is a file");
    }

    [Fact]
    public async Task Scan_OutCannotBeCreated_ExitsTwo()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var file = sim.Out("a-file");
        await File.WriteAllTextAsync(file, "x");

        var result = await sim.RunAsync("scan", "--out", Path.Combine(file, "below"));

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain("cannot be written");
    }

    [Fact]
    public async Task Scan_JournalIsAFolder_ExitsTwo()
    {
        await using var sim = await SimulatorSession.StartAsync();

        var result = await sim.RunAsync("scan", "--out", sim.Out("out"), "--journal", sim.Dir.Path);

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain("--journal").And.Contain("is a folder");
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("folder")]
    [InlineData("not-json")]
    public async Task Fix_ResumeOfABadJournal_ExitsTwoAndChangesNothing(string kind)
    {
        await using var sim = await SimulatorSession.StartAsync();
        var journal = Path.Combine(sim.Dir.Path, "bad", "journal.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
        switch (kind)
        {
            case "empty":
                await File.WriteAllTextAsync(journal, string.Empty);
                break;
            case "folder":
                Directory.CreateDirectory(journal);
                break;
            case "not-json":
                await File.WriteAllTextAsync(journal, "hello\nworld\n");
                break;
        }

        var result = await sim.RunAsync("fix", "--resume", journal, "--license-server", "ls01.contoso.com", "--yes");

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain(journal);
        sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).Should().BeEmpty("nothing ran");
        Directory.GetFiles(Path.GetDirectoryName(journal)!, "report.json").Should().BeEmpty();
    }

    [Fact]
    public async Task Fix_ResumeOfAScanJournal_ExitsTwoNamingTheCommandToUse()
    {
        await using var sim = await SimulatorSession.StartAsync();
        (await sim.RunAsync("scan", "--out", sim.Out("scan"))).ExitCode.Should().Be(1);
        var journal = Path.Combine(sim.Out("scan"), "journal.jsonl");
        var before = File.ReadAllText(journal);

        var result = await sim.RunAsync("fix", "--resume", journal, "--license-server", "ls01.contoso.com", "--yes");

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain("scan run").And.Contain("azrdsfix scan --resume");
        File.ReadAllText(journal).Should().Be(before);
        sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).Should().BeEmpty();
    }

    [Fact]
    public async Task Scan_ResumedAgainstAnotherEndpoint_ExitsTwo()
    {
        await using var sim = await SimulatorSession.StartAsync();
        (await sim.RunAsync("scan", "--out", sim.Out("scan"))).ExitCode.Should().Be(1);
        var journal = Path.Combine(sim.Out("scan"), "journal.jsonl");

        var result = await CliRunner.RunAsync(
            ["scan", "--resume", journal, "--arm-endpoint", "https://127.0.0.1:9/", "--auth", "token"],
            new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token });

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain("--arm-endpoint").And.Contain("differs from the resumed run's");
    }

    [Fact]
    public async Task Scan_ResumedWithoutConnectionOptions_TakesTheJournalsEndpointAndAuth()
    {
        await using var sim = await SimulatorSession.StartAsync();
        (await sim.RunAsync("scan", "--out", sim.Out("scan"))).ExitCode.Should().Be(1);
        var journal = Path.Combine(sim.Out("scan"), "journal.jsonl");

        // No --arm-endpoint, no --auth: as a printed resume hint would be run.
        var result = await CliRunner.RunAsync(
            ["scan", "--resume", journal],
            new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token },
            sim.Azure.Certificate,
            sim.Dir.Path);

        result.ExitCode.Should().Be(1, result.StdErr);
        SimulatorSession.ReadReport(sim.Out("scan")).Vms.Should().HaveCount(13);
    }

    [Fact]
    public async Task Report_EmptyJournal_ExitsTwoSayingSo()
    {
        using var dir = new TempDir();
        var journal = Path.Combine(dir.Path, "journal.jsonl");
        await File.WriteAllTextAsync(journal, string.Empty);

        var result = await CliRunner.RunAsync(["report", "--journal", journal, "--out", Path.Combine(dir.Path, "out")]);

        result.ExitCode.Should().Be(2, result.StdErr);
        OneSentence(result.StdErr).Should().Contain("is empty");
    }

    [Fact]
    public async Task JournalWriter_ReopenedAfterACutLastLine_DropsItInsteadOfGluingTheNextRecordToIt()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "journal.jsonl");
        var started = new JournalEntry { At = DateTimeOffset.UnixEpoch, Type = JournalTypes.RunStarted, RunId = "r" };
        await using (var journal = new JournalWriter(path))
        {
            await journal.AppendAsync(started);
        }

        await File.AppendAllTextAsync(path, "{\"at\":\"2026-11-25T00:00:00+00:00\",\"ty");
        await using (var journal = new JournalWriter(path))
        {
            await journal.AppendAsync(started with { Type = JournalTypes.RunFinished });
        }

        JournalReader.Read(path).Select(e => e.Type).Should().Equal(JournalTypes.RunStarted, JournalTypes.RunFinished);
    }

    private static string OneSentence(string stderr)
    {
        stderr.Trim().Split('\n').Should().ContainSingle("one sentence, one line: " + stderr);
        stderr.Should().StartWith("azrdsfix: ");
        return stderr;
    }
}
