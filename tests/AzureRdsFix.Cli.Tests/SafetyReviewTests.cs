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
        var (result, _) = await RunEngineAsync(sim, Args("fix", Fix()), ports => ports with
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
        var (result, journal) = await RunEngineAsync(sim, Args("fix", Fix(), "rdsh-prod-01"), ports =>
        {
            snapshots.Inner = ports.Snapshots;
            return ports with { Discovery = new DuplicatingDiscovery(ports.Discovery), Snapshots = snapshots };
        });

        result.Vms.Should().ContainSingle().Which.Outcome.Should().Be(VmOutcome.Fixed);
        snapshots.Created.Should().Be(1, "the VM is snapshotted once");
        JournalReader.Read(journal).Count(e => e.Step == JournalSteps.Remediate && e.Status == StepStatus.Started)
            .Should().Be(1, "the VM is remediated once, not by two workers at the same time");
    }

    [Fact]
    public async Task Fix_ResumedWithARecordedSnapshotThatNoLongerExists_ChangesNothingWithoutAVerifiedSnapshot()
    {
        await using var sim = await SimulatorSession.StartAsync();
        var vm = sim.Azure.Fleet.Vm("rdsh-prod-01");

        // A fix run that took the snapshot and was cut before its remediation changed anything.
        var (_, journal) = await RunEngineAsync(sim, Args("fix", Fix(), vm.Id), ports => ports with
        {
            Guest = new OverridingGuest(ports.Guest, (_, request) => request.Kind == GuestScripts.RemediationKind ? "AZRDSFIX error {\"message\":\"cut\"}" : null),
        });
        var lines = await File.ReadAllLinesAsync(journal);
        var cut = Array.FindIndex(lines, l => l.Contains("\"step\":\"snapshot\"", StringComparison.Ordinal) && l.Contains("\"status\":\"succeeded\"", StringComparison.Ordinal));
        cut.Should().BePositive();

        // Since then the snapshot was deleted (here: the record names one that does not exist).
        var snapshotLine = JsonNode.Parse(lines[cut])!;
        var recordedId = snapshotLine["data"]!["Id"]!.GetValue<string>();
        var goneId = recordedId[..(recordedId.LastIndexOf('/') + 1)] + "deleted-since";
        snapshotLine["data"]!["Id"] = goneId;
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

    internal static FixArguments Fix(RestartPolicy restart = RestartPolicy.Auto) => new(["ls01.contoso.com"], 4, false, false, restart, true);

    internal static RunArguments Args(string command, FixArguments? fix = null, params string[] vms) => new(
        command,
        new ScopeArguments([], [], vms, [], null),
        new ConnectionArguments("AzureCloud", null, null, "token"),
        new ExecutionArguments(4, "auto", TimeSpan.FromMinutes(5), null, null),
        new OutputArguments(null, [], FailOn.Attention, true),
        14,
        fix);

    /// <summary>Runs the real engine over the real ARM ports (pointed at the simulator), some of them replaced by <paramref name="decorate"/>.</summary>
    internal static async Task<(EngineResult Result, string Journal)> RunEngineAsync(SimulatorSession sim, RunArguments args, Func<EnginePorts, EnginePorts> decorate)
    {
        var services = new CliServices(
            IOContext.ForStrings(new StringWriter(), new StringWriter()),
            new DictionaryEnvironment(new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token }, sim.Dir.Path),
            TimeProvider.System)
        {
            PinnedCertificate = sim.Azure.Certificate,
            GuestChannel = CliRunner.FastRetries,
        };
        var connection = new ConnectionArguments("AzureCloud", sim.Azure.Endpoint, null, "token");
        var client = ArmConnection.Create(services, ArmConnection.Options(services, connection));
        var ports = decorate(EnginePortsFactory.Create(client, services.GuestChannel, services.Power, TimeProvider.System));
        var path = Path.Combine(sim.Dir.Path, "engine", "journal.jsonl");
        EngineResult result;
        await using (var journal = new JournalWriter(path))
        {
            // As the CLI starts every journal: a run's first record names its command, so --resume can read it.
            await journal.AppendAsync(new Core.Journal.JournalEntry
            {
                At = TimeProvider.System.GetUtcNow(),
                Type = Core.Journal.JournalTypes.RunStarted,
                RunId = "run-safety",
                Data = new JsonObject
                {
                    ["command"] = args.Command,
                    ["subscriptions"] = new JsonArray(args.Scope.Subscriptions.Select(v => (JsonNode)v).ToArray()),
                    ["vms"] = new JsonArray(args.Scope.Vms.Select(v => (JsonNode)v).ToArray()),
                },
            });
            result = await new RunEngine(ports, args, "run-safety", journal, new SilentProgress(), TimeProvider.System, ResumeState.None).RunAsync(CancellationToken.None);
        }

        return (result, path);
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
