using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Guest;
using AzureRdsFix.Azure.Snapshots;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Commands;
using AzureRdsFix.Cli.Engine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// Safety review: the engine against the simulated Azure, with single ports replaced where a fault cannot be made through
/// the simulator (a guest line that parses but lacks parts, a VM listed twice).
/// </summary>
public sealed class SafetyReviewTests
{
    private const string LicensingCore = @"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core";
    private const string LicenseServersKey = @"HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers";

    [Fact]
    public async Task Scan_ProbeLineThatParsesButLacksParts_IsThatVmsFailedOutcomeNotTheWholeRun()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var (result, _) = await RunEngineAsync(sim, Args("scan"), ports => ports with
        {
            Guest = new OverridingGuest(ports.Guest, (vm, request) => vm.Name == "rdsh-prod-01" && request.Kind == GuestScripts.ProbeKind
                ? "AZRDSFIX probe {\"rdsh\":null,\"mode\":null,\"servers\":null}"
                : null),
        });

        result.Vms.Should().HaveCount(13).And.OnlyHaveUniqueItems(v => v.Id.ToLowerInvariant());
        result.Vms.Single(v => v.Name == "rdsh-prod-01").Outcome.Should().Be(VmOutcome.Failed);
        result.Vms.Where(v => v.Name != "rdsh-prod-01").Should().NotContain(v => v.Error == "cancelled", "one VM's fault does not cancel the others");
    }

    [Fact]
    public async Task Fix_RemediationResultWithoutChangesList_IsThatVmsFailedOutcomeNotTheWholeRun()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var (result, _) = await RunEngineAsync(sim, Args("fix", true), ports => ports with
        {
            Guest = new OverridingGuest(ports.Guest, (vm, request) => vm.Name == "rdsh-prod-01" && request.Kind == GuestScripts.RemediationKind
                ? "AZRDSFIX remediate {\"status\":\"Applied\",\"changes\":null,\"unreachable\":null}"
                : null),
        });

        result.Vms.Should().HaveCount(13).And.OnlyHaveUniqueItems(v => v.Id.ToLowerInvariant());
        result.Vms.Single(v => v.Name == "rdsh-prod-01").Outcome.Should().Be(VmOutcome.Failed);
        result.Vms.Single(v => v.Name == "rdsh-prod-02").Outcome.Should().Be(VmOutcome.Fixed);
    }

    [Fact]
    public async Task Fix_VmListedTwiceByDiscovery_IsWorkedOnOnce()
    {
        await using var sim = await SimulatorSession.StartAsync(options: new Simulation.SimulationOptions { LatencyScale = 0.01 });
        var snapshots = new CountingSnapshots();
        var (result, journal) = await RunEngineAsync(sim, Args("fix", true, "rdsh-prod-01"), ports =>
        {
            snapshots.Inner = ports.Snapshots;
            return ports with { Discovery = new DuplicatingDiscovery(ports.Discovery), Snapshots = snapshots };
        });

        result.Vms.Should().ContainSingle().Which.Outcome.Should().Be(VmOutcome.Fixed);
        snapshots.Created.Should().Be(1, "the VM is snapshotted once");
        JournalReader.Read(journal).Count(e => e.Is(JournalStep.Remediate, StepStatus.Started))
            .Should().Be(1, "the VM is remediated once, not by two workers at the same time");
    }

    [Fact]
    public async Task Fix_ResumedWithARecordedSnapshotThatNoLongerExists_ChangesNothingWithoutAVerifiedSnapshot()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var vm = sim.Azure.Fleet.Vm("rdsh-prod-01");

        // A fix run that took the snapshot and was cut before its remediation changed anything.
        var (_, journal) = await RunEngineAsync(sim, Args("fix", true, vm.Id), ports => ports with
        {
            Guest = new OverridingGuest(ports.Guest, (_, request) => request.Kind == GuestScripts.RemediationKind ? "AZRDSFIX error {\"message\":\"cut\"}" : null),
        });
        var lines = await File.ReadAllLinesAsync(journal);
        var cut = Array.FindIndex(lines, l => l.Contains("\"step\":\"snapshot\"", StringComparison.Ordinal) && l.Contains("\"status\":\"succeeded\"", StringComparison.Ordinal));
        cut.Should().BePositive();

        // Since then the snapshot was deleted (here: the record names one that does not exist).
        var snapshotLine = JsonNode.Parse(lines[cut])!;
        var recordedId = snapshotLine["snapshot"]!["id"]!.GetValue<string>();
        var goneId = recordedId[..(recordedId.LastIndexOf('/') + 1)] + "deleted-since";
        snapshotLine["snapshot"]!["id"] = goneId;
        await File.WriteAllLinesAsync(journal, [.. lines.Take(cut), snapshotLine.ToJsonString()]);
        vm.Guest!.Registry.Get(LicensingCore, "LicensingMode")!.DWord.Should().Be(5, "nothing was changed yet");

        var resumed = await sim.RunAsync("fix", "--resume", journal, "--license-server", "ls01.contoso.com", "--vm", vm.Id, "--yes", "--out", sim.Out("resumed"));

        var report = SimulatorSession.ReadReport(sim.Out("resumed")).Vms.Should().ContainSingle().Subject;
        var existing = sim.Azure.Fleet.Subscriptions.SelectMany(s => s.AllSnapshots).Select(s => s.Id).ToArray();
        if (vm.Guest.Registry.Get(LicensingCore, "LicensingMode")!.DWord != 5)
        {
            report.Snapshot.Should().NotBeNull();
            existing.Should().Contain(id => string.Equals(id, report.Snapshot!.Id, StringComparison.OrdinalIgnoreCase), "the guest was changed, so a snapshot it can be restored from must exist; stdout: " + resumed.StdOut);
        }
    }

    [Fact]
    public async Task Rollback_JournalWithTwoRemediationsOfOneVm_PutsBackTheFirstOnesBeforeValues()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        var vm = sim.Azure.Fleet.Vm("rdsh-prod-01");
        var modeBefore = vm.Guest!.Registry.Get(LicensingCore, "LicensingMode")!.DWord;
        (vm.Guest.Registry.Get(LicenseServersKey, "SpecifiedLicenseServers")?.Lines ?? []).Should().BeEmpty();
        await sim.RunAsync("fix", "--license-server", "ls01.contoso.com", "--yes", "--out", outDir, "--vm", vm.Id, "--restart", "never");

        // A resumed run remediated the VM again (it found the mode reset meanwhile): its servers were already set.
        var lines = (await File.ReadAllLinesAsync(journal)).ToList();
        var first = lines.FindIndex(l => l.Contains("\"step\":\"remediate\"", StringComparison.Ordinal) && l.Contains("\"status\":\"succeeded\"", StringComparison.Ordinal));
        first.Should().BePositive();
        var second = JsonNode.Parse(lines[first])!;
        second["data"] = JsonNode.Parse("""
            {"schema":1,"operation":"Apply","status":"Applied","blocked":null,"unreachable":[],"restartNeeded":true,"method":"Registry",
             "changes":[{"setting":"LicensingMode","before":"2","after":"4","changed":true},
                        {"setting":"SpecifiedLicenseServers","before":"ls01.contoso.com","after":"ls01.contoso.com","changed":false}]}
            """);
        lines.Insert(first + 1, second.ToJsonString());
        await File.WriteAllLinesAsync(journal, lines);

        var result = await sim.RunAsync("rollback", "--journal", journal, "--out", sim.Out("rollback"), "--yes");

        result.ExitCode.Should().Be(0, result.StdOut + result.StdErr);
        vm.Guest.Registry.Get(LicensingCore, "LicensingMode")!.DWord.Should().Be(modeBefore, "the first remediation's before-value is the VM's original");
        (vm.Guest.Registry.Get(LicenseServersKey, "SpecifiedLicenseServers")?.Lines ?? []).Should().BeEmpty("no license server was set before the first fix");
    }

    internal static string[] Args(string command, bool fix = false, params string[] vms) =>
        [command, .. fix ? new[] { "--license-server", "ls01.contoso.com", "--yes" } : [], .. vms.SelectMany(v => new[] { "--vm", v }), "--max-parallel", "4"];

    /// <summary>
    /// Runs the CLI as a user would (through CliApp) against the simulator, with some of the engine's real ARM ports
    /// replaced by <paramref name="decorate"/> through the composition root's override.
    /// </summary>
    internal static async Task<(RunReport Result, string Journal)> RunEngineAsync(SimulatorSession sim, string[] args, Func<EnginePorts, EnginePorts> decorate)
    {
        var outDir = Path.Combine(sim.Dir.Path, "engine");
        var services = new CliServices(
            IOContext.ForStrings(new StringWriter(), new StringWriter()),
            new DictionaryEnvironment(new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token }, sim.Dir.Path),
            TimeProvider.System)
        {
            PinnedCertificate = sim.Azure.Certificate,
            GuestChannel = CliRunner.FastRetries,
            DecoratePorts = decorate,
        };
        var exit = await new CliApp(services).RunAsync([.. args, "--out", outDir, "--quiet", .. sim.Connection], CancellationToken.None);
        exit.Should().BeOneOf([0, 1], "the run itself completes");
        return (SimulatorSession.ReadReport(outDir), Path.Combine(outDir, "journal.jsonl"));
    }

    /// <summary>Answers some script runs itself (a non-null stdout from <paramref name="stdout"/>), passes the rest on.</summary>
    internal sealed class OverridingGuest(IGuestChannel inner, Func<VmRef, GuestScriptRequest, string?> stdout) : IGuestChannel
    {
        public string Name => inner.Name;

        public Task<GuestRunResult> RunAsync(VmRef vm, TriageFacts triage, GuestScriptRequest request, CancellationToken cancellationToken)
            => stdout(vm, request) is { } text
                ? Task.FromResult(new GuestRunResult(text + "\n", string.Empty, inner.Name))
                : inner.RunAsync(vm, triage, request, cancellationToken);
    }

    /// <summary>Lists every VM twice in a row, as a paged listing that shifted between pages can.</summary>
    internal sealed class DuplicatingDiscovery(IFleetDiscovery inner) : IFleetDiscovery
    {
        public async IAsyncEnumerable<DiscoveryItem> DiscoverAsync(DiscoveryScope scope, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in inner.DiscoverAsync(scope, cancellationToken))
            {
                yield return item;
                if (item is DiscoveredVm)
                {
                    yield return item;
                }
            }
        }
    }

    internal sealed class CountingSnapshots : ISnapshotService
    {
        private int _created;

        public ISnapshotService Inner { get; set; } = null!;

        public int Created => _created;

        public ConcurrentQueue<string> ReadBack { get; } = new();

        public Task<SnapshotInfo> CreateVerifiedSnapshotAsync(VmRef vm, string osDiskId, string snapshotName, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _created);
            return Inner.CreateVerifiedSnapshotAsync(vm, osDiskId, snapshotName, tags, cancellationToken);
        }

        public Task<SnapshotInfo?> GetSnapshotAsync(string snapshotId, CancellationToken cancellationToken)
        {
            ReadBack.Enqueue(snapshotId);
            return Inner.GetSnapshotAsync(snapshotId, cancellationToken);
        }
    }
}
