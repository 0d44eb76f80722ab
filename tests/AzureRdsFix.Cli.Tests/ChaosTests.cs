using System.Diagnostics;
using System.Globalization;
using System.Text;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// The real CLI, in-process, against a simulated Azure that misbehaves: every 10th request 429 (10 %), every 49th a 5xx
/// (2 %), Run Commands answered 409 busy on random VMs, VM agents that flap between triage and Run Command, and a run
/// killed halfway and resumed. Whatever happens: every VM is reported exactly once, no VM is changed without a
/// snapshot that succeeded first, and no VM is changed twice. The tool runs on a clock 100× fast against durations
/// scaled by 0.01, so a 20–60 s Run Command takes 0.2–0.6 s and the test seconds.
/// </summary>
public sealed class ChaosTests
{
    private const double Scale = 0.01;
    private const string LicenseServer = "ls01.contoso.com";
    private static readonly string[] Guests = ["locked-out", "locked-out", "locked-out", "healthy", "grace-expiring", "server-unreachable", "no-rdsh", "gpo-managed"];

    [Fact]
    public async Task Fix_UnderChaos_EveryVmOnceNoChangeWithoutSnapshotNoneTwice()
    {
        var fleet = ChaosFleet(vmsPerSubscription: 8, subscriptions: 3, seed: 7);
        await using var sim = await SimulatorSession.StartAsync(fleet, new SimulationOptions { LatencyScale = Scale });
        var outDir = sim.Out("fix");

        var result = await RunAsync(sim, ["fix", "--license-server", LicenseServer, "--yes", "--out", outDir]);

        result.ExitCode.Should().BeOneOf([0, 1], result.StdErr);
        sim.Azure.Counters.Throttled.Should().BeGreaterThan(0, "the chaos was there");
        sim.Azure.Counters.ServerErrors.Should().BeGreaterThan(0);
        AssertInvariants(sim, outDir, fleet);
        SimulatorSession.ReadReport(outDir).Vms.Should().Contain(v => v.Outcome == VmOutcome.Fixed, "chaos slows the fix down but does not stop it");
    }

    [Fact]
    public async Task Fix_UnderChaosKilledAndResumed_EveryVmOnceNoChangeWithoutSnapshotNoneTwice()
    {
        var fleet = ChaosFleet(vmsPerSubscription: 6, subscriptions: 2, seed: 11);
        await using var sim = await SimulatorSession.StartAsync(fleet, new SimulationOptions { LatencyScale = Scale });
        var outDir = sim.Out("fix");
        var journal = Path.Combine(outDir, "journal.jsonl");
        var pem = Path.Combine(sim.Dir.Path, "simulator.pem");
        sim.Azure.ExportCertificatePem(pem);

        // The kill is a real one (SIGKILL of a child process running the same CLI): nothing gets to write a last line.
        using (var child = StartChildFix(sim, pem, outDir))
        {
            var deadline = Stopwatch.StartNew();
            while (!(Entries(journal) is var e && e.Any(x => x.Step == JournalSteps.Snapshot && x.Status == StepStatus.Succeeded)))
            {
                child.HasExited.Should().BeFalse("the child run must still be going when it is killed");
                deadline.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
                await Task.Delay(20);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        Entries(journal).Should().NotContain(e => e.Type == JournalTypes.RunFinished, "the run was killed");

        var resumed = await RunAsync(sim, ["fix", "--resume", journal, "--license-server", LicenseServer, "--yes"]);

        resumed.ExitCode.Should().BeOneOf([0, 1], resumed.StdErr);
        AssertInvariants(sim, outDir, fleet, killed: true);
    }

    private static void AssertInvariants(SimulatorSession sim, string outDir, Fleet fleet, bool killed = false)
    {
        var report = SimulatorSession.ReadReport(outDir);
        report.Vms.Should().HaveCount(fleet.VmCount).And.OnlyHaveUniqueItems(v => v.Id.ToLowerInvariant(), "every VM is reported exactly once");

        var entries = Entries(Path.Combine(outDir, "journal.jsonl"));
        var finals = entries.Where(e => e.Type == JournalTypes.VmOutcome && e.Data!["final"]!.GetValue<bool>()).GroupBy(e => e.VmId!.ToLowerInvariant()).ToList();
        finals.Should().HaveCount(fleet.VmCount).And.OnlyContain(g => g.Count() == 1, "each VM reaches its final outcome once");

        var snapshots = fleet.Subscriptions.SelectMany(s => s.AllSnapshots).ToList();
        snapshots.GroupBy(s => s.SourceVm.Id).Should().OnlyContain(g => g.Count() == 1, "no VM is snapshotted twice");
        foreach (var vm in fleet.Vms.Where(v => v.GuestWrites > 0))
        {
            // A change in the guest only ever follows a snapshot of that VM's disk that had succeeded in Azure.
            var snapshot = snapshots.Should().ContainSingle(s => s.SourceVm == vm, $"{vm.Name} was changed").Subject;
            var remediations = entries.Select((e, i) => (e, i)).Where(p => p.e.Step == JournalSteps.Remediate && p.e.Status == StepStatus.Started && string.Equals(p.e.VmId, vm.Id, StringComparison.OrdinalIgnoreCase)).ToList();
            remediations.Should().NotBeEmpty($"{vm.Name}'s change is in the journal");
            entries.Take(remediations[0].i).Should().Contain(
                e => string.Equals(e.VmId, vm.Id, StringComparison.OrdinalIgnoreCase) && e.Step == JournalSteps.Snapshot && e.Status == StepStatus.Succeeded,
                $"{vm.Name}'s snapshot {snapshot.Name} was verified before its change");

            // Without a kill the remediation runs once; a kill between its start and its recorded result may repeat it
            // once on resume (it is idempotent: same values), never more.
            vm.GuestWrites.Should().BeLessThanOrEqualTo(killed ? 2 : 1, $"{vm.Name} is not changed twice");
        }

        report.Vms.Where(v => v.Outcome == VmOutcome.Fixed).Should().OnlyContain(v => v.Snapshot != null);
    }

    /// <summary>Subscriptions of VMs from a few guest fixtures; some answer 409 busy, some have a flapping agent.</summary>
    private static Fleet ChaosFleet(int vmsPerSubscription, int subscriptions, int seed)
    {
        var random = new Random(seed);
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"licenseServer":"{{LicenseServer}}","faults":{"throttleEvery":10,"serverErrorEvery":49},"subscriptions":[""");
        for (var s = 0; s < subscriptions; s++)
        {
            json.Append(CultureInfo.InvariantCulture, $$"""{{(s > 0 ? "," : string.Empty)}}{"id":"{{new Guid(seed, (short)s, 0, 1, 2, 3, 4, 5, 6, 7, 8)}}","displayName":"Chaos {{s}}","vms":[""");
            for (var v = 0; v < vmsPerSubscription; v++)
            {
                var conflicts = random.Next(4) == 0 ? random.Next(1, 3) : 0;
                var flaps = random.Next(6) == 0 ? 1 : 0;
                json.Append(CultureInfo.InvariantCulture, $$"""{{(v > 0 ? "," : string.Empty)}}{"name":"vm-{{s}}-{{v}}","resourceGroup":"rg-chaos","location":"{{(v % 2 == 0 ? "westeurope" : "northeurope")}}","guest":"{{Guests[random.Next(Guests.Length)]}}","faults":{"runCommandConflicts":{{conflicts}},"agentFlaps":{{flaps}} """);
                json.Append("}}");
            }

            json.Append("]}");
        }

        json.Append("]}");
        return Fleet.Parse(json.ToString(), "chaos fleet");
    }

    /// <summary>The CLI in-process on a clock as much faster as the simulator's durations are shorter.</summary>
    private static async Task<CliResult> RunAsync(SimulatorSession sim, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token };
        var services = new CliServices(IOContext.ForStrings(stdout, stderr), new DictionaryEnvironment(environment, sim.Dir.Path), new ScaledTimeProvider(Scale))
        {
            PinnedCertificate = sim.Azure.Certificate,
        };
        var exit = await new CliApp(services).RunAsync([.. args, .. sim.Connection], CancellationToken.None);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    private static Process StartChildFix(SimulatorSession sim, string pem, string outDir)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args = [Path.Combine(AppContext.BaseDirectory, "azrdsfix.dll"), "fix", "--license-server", LicenseServer, "--yes", "--out", outDir, .. sim.Connection];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SSL_CERT_FILE"] = pem;
        info.Environment["AZRDSFIX_ACCESS_TOKEN"] = SimulatorSession.Token;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static IReadOnlyList<JournalEntry> Entries(string journal) => File.Exists(journal) ? JournalReader.Read(journal) : [];
}
