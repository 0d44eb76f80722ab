using System.Diagnostics;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// `scan` and `fix` end to end against an ARM-compatible endpoint that is not ours (FakeArm: hand-written, WireMock,
/// Azure's wire shapes) whose Windows VMs run the real script text the CLI sends through Run Command, under PowerShell 7,
/// against guest states made from the shared fixtures (PwshGuest, tests/pester/GuestStandIn.ps1). Nothing here knows what
/// the scripts do: the outcomes and the registry values below come from the scripts acting on the stand-in's guest surface.
/// The fleet runs scan, fix, and fix again once (NotOurEndpointFleet); each test checks one part of what happened.
/// </summary>
public sealed class NotOurEndpointTests(NotOurEndpointFleet fleet) : IClassFixture<NotOurEndpointFleet>
{
    private static readonly string[] FixedVms = ["rdsh-locked", "rdsh-expiring", "rdsh-unreach"];

    private static readonly Dictionary<string, VmOutcome> ScanOutcomes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rdsh-locked"] = VmOutcome.NeedsAttention,
        ["rdsh-expiring"] = VmOutcome.NeedsAttention,
        ["rdsh-healthy"] = VmOutcome.Healthy,
        ["rdsh-gpo"] = VmOutcome.NeedsAttention,
        ["rdsh-unreach"] = VmOutcome.NeedsAttention,
        ["web-01"] = VmOutcome.NotApplicable,
        ["linux-01"] = VmOutcome.NotApplicable,
        ["rdsh-off"] = VmOutcome.Unreachable,
        ["rdsh-agent"] = VmOutcome.Unreachable,
    };

    private static readonly Dictionary<string, VmOutcome> FixOutcomes = new(ScanOutcomes, StringComparer.OrdinalIgnoreCase)
    {
        ["rdsh-locked"] = VmOutcome.Fixed,
        ["rdsh-expiring"] = VmOutcome.Fixed,
        ["rdsh-unreach"] = VmOutcome.Fixed,
    };

    private static readonly Dictionary<string, VmOutcome> FixAgainOutcomes = new(ScanOutcomes, StringComparer.OrdinalIgnoreCase)
    {
        ["rdsh-locked"] = VmOutcome.Healthy,
        ["rdsh-expiring"] = VmOutcome.Healthy,
        ["rdsh-unreach"] = VmOutcome.Healthy,
    };

    [Fact]
    public void Scan_ReportsEveryVmExactlyOnceWithItsOutcome()
    {
        fleet.Scan.Result.ExitCode.Should().Be(1, "VMs need attention; stderr: " + fleet.Scan.Result.StdErr);
        AssertEveryVmOnce(fleet.Scan.Report, ScanOutcomes);
        fleet.Scan.Report.Vms.Single(v => v.Name == "rdsh-locked").Findings.Select(f => f.RuleId).Should().Contain(["RDS001", "RDS003", "RDS004", "RDS010"]);
        fleet.Scan.Report.Vms.Single(v => v.Name == "rdsh-expiring").Findings.Select(f => f.RuleId).Should().Contain("RDS002");
        fleet.Scan.Report.Vms.Single(v => v.Name == "rdsh-gpo").Findings.Select(f => f.RuleId).Should().Contain(["RDS005", "RDS006"]);
        fleet.Scan.Report.Vms.Single(v => v.Name == "rdsh-unreach").Findings.Select(f => f.RuleId).Should().Contain("RDS005");
        fleet.Scan.Result.StdOut.Should().Contain("scan: 9 VM(s)");
    }

    [Fact]
    public void Scan_ForbiddenSubscription_IsReportedAndTheOtherSubscriptionsAreScanned()
    {
        foreach (var run in new[] { fleet.Scan, fleet.Fix, fleet.FixAgain })
        {
            run.Report.ScopeErrors.Where(e => !e.Scope.Contains(NotOurEndpointFleet.DisabledSubscription, StringComparison.OrdinalIgnoreCase))
                .Should().ContainSingle().Which.Should().Match<ScopeError>(
                e => (e.Scope + " " + e.Message).Contains(NotOurEndpointFleet.ForbiddenSubscription, StringComparison.OrdinalIgnoreCase));
            run.Report.Vms.Should().Contain(v => v.SubscriptionId == NotOurEndpointFleet.BranchSubscription, "the subscription listed after the forbidden one is scanned too");
        }

        fleet.Arm.CountRequests("GET", $"/subscriptions/{NotOurEndpointFleet.DisabledSubscription}/providers").Should().Be(0, "a Disabled subscription is not scanned");
        fleet.Scan.Report.ScopeErrors.Should().ContainSingle(e => e.Scope.Contains(NotOurEndpointFleet.DisabledSubscription, StringComparison.OrdinalIgnoreCase) && e.Message.Contains("skipped", StringComparison.Ordinal), "the skip is reported");
    }

    [Fact]
    public void Scan_RunsTheRealProbeInTheGuests_AndChangesNothing()
    {
        foreach (var (name, guest) in fleet.Guests)
        {
            var probe = fleet.Scan.Runs[name].Should().ContainSingle($"{name} is probed once").Subject;
            probe.Call.Script[0].Should().Be(GuestScripts.ProbeHeader);
            probe.Call.Parameters.Should().BeEmpty();
            probe.Output.StdErr.Should().BeEmpty(name);
            var expected = "AZRDSFIX probe " + PwshGuest.ReadFixture(guest.FixtureName)["expectedProbe"]!.ToJsonString();
            probe.Output.StdOut.Should().Be(expected + "\r\n", $"the stand-in answers as the shared fixture {guest.FixtureName} says");
            JsonNode.DeepEquals(fleet.Scan.GuestsAfter[name], guest.OriginalGuest).Should().BeTrue($"scan changes nothing in {name}");
        }

        fleet.Arm.Vms.Single(v => v.Name == "rdsh-healthy").RunCommands.Should().HaveCount(1 + 1 + 1, "scan, fix and fix again each probe it once");
        fleet.Scan.RequestsInRun.Count(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("/rdsh-healthy/runCommand", StringComparison.OrdinalIgnoreCase))
            .Should().Be(2, "the first Run Command met a 409 'execution is in progress' and was sent again");
        fleet.Scan.SnapshotsTaken.Should().Be(0);
    }

    [Fact]
    public void Fix_ReportsEveryVmExactlyOnceWithItsOutcome()
    {
        fleet.Fix.Result.ExitCode.Should().Be(1, "gpo-managed still needs attention; stderr: " + fleet.Fix.Result.StdErr);
        AssertEveryVmOnce(fleet.Fix.Report, FixOutcomes);
        fleet.Fix.Report.Vms.Single(v => v.Name == "rdsh-locked").Changes.Should().BeEquivalentTo(
            [new SettingChange("LicensingMode", "5", "4"), new SettingChange("SpecifiedLicenseServers", null, NotOurEndpointFleet.LicenseServer)]);
        fleet.Fix.Report.Vms.Single(v => v.Name == "rdsh-expiring").Changes.Should().BeEquivalentTo(
            [new SettingChange("LicensingMode", null, "4"), new SettingChange("SpecifiedLicenseServers", null, NotOurEndpointFleet.LicenseServer)]);
        fleet.Fix.Report.Vms.Single(v => v.Name == "rdsh-unreach").Changes.Should().ContainEquivalentOf(
            new SettingChange("SpecifiedLicenseServers", "ls02.contoso.com", NotOurEndpointFleet.LicenseServer));
    }

    [Fact]
    public void Fix_SnapshotsTheOsDiskAndVerifiesIt_BeforeTheRemediationRunCommand()
    {
        foreach (var name in FixedVms)
        {
            var vm = fleet.Arm.Vms.Single(v => v.Name == name);
            var reported = fleet.Fix.Report.Vms.Single(v => v.Name == name).Snapshot;
            reported.Should().NotBeNull(name);
            reported!.State.Should().Be("Succeeded");

            var snapshot = fleet.Arm.Snapshots.Should().ContainSingle(s => string.Equals(s.Id, reported.Id, StringComparison.OrdinalIgnoreCase), name).Subject;
            snapshot.Incremental.Should().BeTrue();
            snapshot.SourceResourceId.Should().BeEquivalentTo(vm.OsDiskIdAsReported, "the snapshot is of the VM's OS disk");
            snapshot.Location.Should().Be(vm.Location);
            snapshot.ProvisioningState.Should().Be("Succeeded");
            snapshot.Tags.Should().Contain("created-by", "azrdsfix").And.Contain("azrdsfix-source-vm", name).And.ContainKey("azrdsfix-run");

            var remediation = vm.RunCommands.Should().ContainSingle(c => c.Script[0] == GuestScripts.RemediationHeader, $"{name} is remediated once over both fixes").Subject;
            remediation.Parameters.Should().BeEquivalentTo(new Dictionary<string, string>
            {
                // Hex of UTF-8: Run Command's cmd.exe layer would eat raw metacharacters (docs/guest-contract.md).
                ["Operation"] = ParameterEncoding.Encode("Apply"),
                ["LicensingMode"] = ParameterEncoding.Encode("4"),
                ["LicenseServers"] = ParameterEncoding.Encode(NotOurEndpointFleet.LicenseServer),
            });
            snapshot.RequestIndex.Should().BeLessThan(remediation.RequestIndex, $"{name}'s snapshot is taken before its remediation");
            fleet.Arm.Requests.Take(remediation.RequestIndex).Should().Contain(
                r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains($"/snapshots/{snapshot.Name}?", StringComparison.OrdinalIgnoreCase),
                "the snapshot is read back as Succeeded before anything changes in the guest");

            vm.Restarts.Should().Be(1, $"{name} is restarted once so that the change takes effect");
            var verify = vm.RunCommands.Last();
            verify.Script[0].Should().Be(GuestScripts.ProbeHeader);
            verify.RequestIndex.Should().BeGreaterThan(fleet.Arm.Requests.ToList().FindIndex(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains($"/{name}/restart", StringComparison.OrdinalIgnoreCase)));
        }

        fleet.Arm.Snapshots.Should().HaveCount(FixedVms.Length, "only VMs that change get a snapshot");
    }

    [Fact]
    public void Fix_WritesTheLicensingSettingsAtTheirRealRegistryPathsAndTypes()
    {
        foreach (var name in FixedVms)
        {
            var guest = fleet.Guests[name];
            var registry = fleet.Fix.GuestsAfter[name]["registry"]!.AsObject();
            var mode = Value(registry, PwshGuest.ModeKey, "LicensingMode");
            mode["type"]!.GetValue<string>().Should().Be("DWord", name);
            mode["value"]!.GetValue<long>().Should().Be(4, name);
            var servers = Value(registry, PwshGuest.ServersKey, "SpecifiedLicenseServers");
            servers["type"]!.GetValue<string>().Should().Be("MultiString", name);
            servers["value"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal([NotOurEndpointFleet.LicenseServer], name);

            guest.RegistryValue(PwshGuest.ModeKey, "LicensingMode")!.AsNumber().Should().Be(4);
            guest.RegistryValue(PwshGuest.ServersKey, "SpecifiedLicenseServers")!.AsStrings().Should().Equal(NotOurEndpointFleet.LicenseServer);
            var installState = guest.RegistryValue($@"{PwshGuest.ComponentCacheKey}\RDS-RD-Server", "InstallState")!;
            installState.Type.Should().Be("DWord");
            installState.AsNumber().Should().Be(1, "the role stays");
            guest.Features.Should().BeEquivalentTo(PwshGuest.FeaturesOf(guest.OriginalGuest), "no role is removed");
            fleet.Fix.GuestsAfter[name]["terminalServiceSetting"]!["getTStoLSConnectivityStatus"]!["*"]!["TStoLSConnectivityStatus"]!.GetValue<long>()
                .Should().Be(PwshGuest.LsStatusValid, "after the restart TermService finds the reachable license server");
        }
    }

    [Fact]
    public void Fix_GroupPolicyManagedVm_NeedsAttentionAndIsUntouched()
    {
        var report = fleet.Fix.Report.Vms.Single(v => v.Name == "rdsh-gpo");
        report.Outcome.Should().Be(VmOutcome.NeedsAttention);
        report.Reason.Should().Contain("Group Policy");
        report.Snapshot.Should().BeNull();
        var vm = fleet.Arm.Vms.Single(v => v.Name == "rdsh-gpo");
        vm.RunCommands.Should().OnlyContain(c => c.Script[0] == GuestScripts.ProbeHeader, "nothing but the read-only probe ran");
        vm.Restarts.Should().Be(0);
        JsonNode.DeepEquals(fleet.Fix.GuestsAfter["rdsh-gpo"]["registry"], fleet.Guests["rdsh-gpo"].OriginalGuest["registry"]).Should().BeTrue("its registry is untouched");
    }

    [Fact]
    public void Fix_HealthyAndNotApplicableVms_AreLeftAlone()
    {
        foreach (var name in new[] { "rdsh-healthy", "web-01" })
        {
            var report = fleet.Fix.Report.Vms.Single(v => v.Name == name);
            report.Snapshot.Should().BeNull(name);
            report.Changes.Should().BeEmpty(name);
            var vm = fleet.Arm.Vms.Single(v => v.Name == name);
            vm.RunCommands.Should().OnlyContain(c => c.Script[0] == GuestScripts.ProbeHeader, name);
            vm.Restarts.Should().Be(0, name);
            JsonNode.DeepEquals(fleet.Fix.GuestsAfter[name], fleet.Guests[name].OriginalGuest).Should().BeTrue(name);
        }

        foreach (var name in new[] { "linux-01", "rdsh-off", "rdsh-agent" })
        {
            fleet.Arm.Vms.Single(v => v.Name == name).RunCommands.Should().BeEmpty($"{name} cannot run PowerShell");
        }
    }

    [Fact]
    public void FixAgain_ChangesNothingAndTakesNoSnapshot()
    {
        AssertEveryVmOnce(fleet.FixAgain.Report, FixAgainOutcomes);
        fleet.FixAgain.SnapshotsTaken.Should().Be(0);
        fleet.FixAgain.RequestsInRun.Should().NotContain(r => r.StartsWith("PUT ", StringComparison.Ordinal) || r.Contains("/restart", StringComparison.OrdinalIgnoreCase));
        fleet.FixAgain.Report.Vms.Should().OnlyContain(v => v.Snapshot == null && v.Changes.Count == 0);
        foreach (var (name, runs) in fleet.FixAgain.Runs)
        {
            runs.Should().OnlyContain(r => r.Call.Script[0] == GuestScripts.ProbeHeader, $"{name} is only probed");
            JsonNode.DeepEquals(fleet.FixAgain.GuestsAfter[name], fleet.Fix.GuestsAfter[name]).Should().BeTrue($"{name}'s guest is as the first fix left it");
        }
    }

    [Fact]
    public void Scan_RunsTheProbesOfDifferentVmsSideBySide()
    {
        // How fast is the benchmark's business (bench/); what a test can hold is that Run Commands on different VMs
        // overlap (--max-parallel 8 here), read from the journal's step times, not from the wall clock.
        var events = Cli.Journal.JournalReader.Read(Path.Combine(fleet.Scan.OutDir, "journal.jsonl"));
        var inFlight = 0;
        var most = 0;
        foreach (var e in events.Where(e => e.Is(JournalStep.Probe, StepStatus.Started) || e is StepFinished { Step: JournalStep.Probe }).OrderBy(e => e.At))
        {
            inFlight += e is StepStarted ? 1 : -1;
            most = Math.Max(most, inFlight);
        }

        most.Should().BeGreaterThan(1, "probes of different VMs run at the same time");
    }

    private static void AssertEveryVmOnce(RunReport report, Dictionary<string, VmOutcome> expected)
    {
        report.Vms.Select(v => v.Id.ToUpperInvariant()).Should().OnlyHaveUniqueItems();
        report.Vms.ToDictionary(v => v.Name, v => v.Outcome).Should().BeEquivalentTo(expected, string.Join("; ", report.Vms.Select(v => $"{v.Name}: {v.Outcome} ({v.Reason})")));
        report.Vms.Should().NotContain(v => v.Name == "hidden-01" || v.Name == "old-01");
    }

    private static JsonObject Value(JsonObject registry, string key, string name)
    {
        var values = registry.Single(k => string.Equals(k.Key, key, StringComparison.OrdinalIgnoreCase)).Value!.AsObject();
        return values.Single(v => string.Equals(v.Key, name, StringComparison.Ordinal)).Value!.AsObject();
    }
}

/// <summary>The stand-in itself, held to the shared guest contract: every fixture's expected probe, every remediation case.</summary>
public sealed class NotOurEndpointStandInTests
{
    [Fact]
    public async Task StandIn_AnswersEverySharedFixtureAsTheContractSays()
    {
        var check = Path.Combine(Pwsh.RepoRoot, "tests", "pester", "GuestStandIn.Check.ps1");
        using var process = Process.Start(Pwsh.StartInfo(["-File", check]))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout;
        process.ExitCode.Should().Be(0, output + await stderr);
        output.TrimEnd().Split('\n')[^1].Should().MatchRegex(@"^GuestStandIn check: \d+ passed, 0 failed$");
    }

    [Fact]
    public void PwshGuest_OneProcessPerRunCommand_RunsTheRealScriptsAndAppliesTheRestart()
    {
        using var guest = PwshGuest.FromFixture("locked-out", mode: PwshStandInMode.ProcessPerRun);
        var request = GuestScripts.Remediate(RemediationParameters.Apply(4, [NotOurEndpointFleet.LicenseServer]));
        var parameters = request.Parameters.ToDictionary(p => p.Key, p => p.Value);

        var remediation = guest.Run(new FakeRunCommandCall("RunPowerShellScript", request.Lines, parameters));
        guest.Restart();
        var probe = guest.Run(new FakeRunCommandCall("RunPowerShellScript", GuestScripts.Probe().Lines, new Dictionary<string, string>()));

        remediation.StdOut.Should().StartWith("AZRDSFIX remediate {").And.EndWith("}\r\n").And.Contain("\"status\":\"Applied\"");
        remediation.StdErr.Should().BeEmpty();
        guest.RegistryValue(PwshGuest.ModeKey, "LicensingMode").Should().Match<GuestRegistryValue>(v => v.Type == "DWord" && v.AsNumber() == 4);
        guest.RegistryValue(PwshGuest.ServersKey, "SpecifiedLicenseServers")!.AsStrings().Should().Equal(NotOurEndpointFleet.LicenseServer);
        probe.StdOut.Should().Contain("\"mode\":{\"local\":4,\"policy\":null}").And.Contain("\"lsStatus\":11", "the restart found the reachable license server");
        guest.Runs.Select(r => r.ExitCode).Should().Equal(0, 0);
    }
}

/// <summary>
/// Two Enabled subscriptions, one forbidden, one Disabled; Windows VMs backed by PwshGuest (locked-out, grace-expiring,
/// healthy with one Run Command conflict, gpo-managed, server-unreachable, no-rdsh), a Linux VM, a deallocated VM and a
/// VM whose agent is Not Ready. Runs scan, fix and fix again through the real CLI and keeps what each run did.
/// </summary>
public sealed class NotOurEndpointFleet : IAsyncLifetime
{
    public const string Token = "not-our-endpoint-token-7c1e94b2";
    public const string LicenseServer = "ls01.contoso.com";
    public const string ProductionSubscription = "6a1d3f0e-2b4c-4d8e-9f10-a1b2c3d4e5f6";
    public const string BranchSubscription = "f3e2d1c0-b9a8-4765-8432-10fedcba9876";
    public const string ForbiddenSubscription = "0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
    public const string DisabledSubscription = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";

    private static readonly (string Subscription, string Group, string Name, string Fixture)[] WindowsGuests =
    [
        (ProductionSubscription, "rg-rdsh", "rdsh-locked", "locked-out"),
        (ProductionSubscription, "rg-rdsh", "rdsh-expiring", "grace-expiring"),
        (ProductionSubscription, "rg-rdsh", "rdsh-healthy", "healthy"),
        (ProductionSubscription, "rg-rdsh", "rdsh-gpo", "gpo-managed"),
        (BranchSubscription, "rg-branch", "rdsh-unreach", "server-unreachable"),
        (BranchSubscription, "rg-branch", "web-01", "no-rdsh"),
    ];

    private readonly TempDir _dir = new();

    public FakeArm Arm { get; private set; } = null!;

    public Dictionary<string, PwshGuest> Guests { get; } = new(StringComparer.OrdinalIgnoreCase);

    public FleetRun Scan { get; private set; } = null!;

    public FleetRun Fix { get; private set; } = null!;

    public FleetRun FixAgain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Arm = await FakeArm.StartAsync();
        Arm.RequiredToken = Token;
        Arm.AddSubscription(ProductionSubscription, "Production")
            .AddSubscription(ForbiddenSubscription, "Finance", forbidden: true)
            .AddSubscription(BranchSubscription, "Branch offices")
            .AddSubscription(DisabledSubscription, "Old lab", state: "Disabled");

        foreach (var (subscription, group, name, fixture) in WindowsGuests)
        {
            var guest = PwshGuest.FromFixture(fixture);
            Guests[name] = guest;
            var vm = guest.Attach(Arm.AddVm(subscription, group, name));
            vm.AgentNotReadyReadsAfterRestart = 0;
            vm.RunCommandConflicts = name == "rdsh-healthy" ? 1 : 0;
        }

        Arm.AddVm(ProductionSubscription, "rg-misc", "linux-01", OsKind.Linux);
        Arm.AddVm(ProductionSubscription, "rg-misc", "rdsh-off", power: PowerState.Deallocated);
        Arm.AddVm(BranchSubscription, "rg-branch", "rdsh-agent", agent: AgentState.NotReady);
        Arm.AddVm(ForbiddenSubscription, "rg-fin", "hidden-01");
        Arm.AddVm(DisabledSubscription, "rg-old", "old-01");

        Scan = await RunAsync("scan");
        Fix = await RunAsync("fix", "--license-server", LicenseServer, "--licensing-mode", "PerUser", "--yes");
        FixAgain = await RunAsync("fix", "--license-server", LicenseServer, "--licensing-mode", "PerUser", "--yes");
    }

    public Task DisposeAsync()
    {
        Arm?.Dispose();
        foreach (var guest in Guests.Values)
        {
            guest.Dispose();
        }

        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<FleetRun> RunAsync(string command, params string[] options)
    {
        var outDir = Path.Combine(_dir.Path, $"{command}-{Directory.GetDirectories(_dir.Path).Length}");
        var requestsBefore = Arm.Requests.Count;
        var snapshotsBefore = Arm.Snapshots.Count;
        var runsBefore = Guests.ToDictionary(g => g.Key, g => g.Value.Runs.Count, StringComparer.OrdinalIgnoreCase);
        string[] args = [command, .. options, "--arm-endpoint", Arm.Endpoint.ToString(), "--auth", "token", "--max-parallel", "8", "--out", outDir];
        var result = await CliRunner.RunAsync(args, new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = Token }, Arm.Certificate, _dir.Path);

        var reportFile = Path.Combine(outDir, "report.json");
        if (!File.Exists(reportFile))
        {
            throw new InvalidOperationException($"{command} wrote no report (exit {result.ExitCode}): {result.StdErr}{result.StdOut}");
        }

        return new FleetRun(
            result,
            ReportJson.Read(await File.ReadAllTextAsync(reportFile)),
            [.. Arm.Requests.Skip(requestsBefore)],
            Arm.Snapshots.Count - snapshotsBefore,
            Guests.ToDictionary(g => g.Key, g => (IReadOnlyList<PwshGuestRun>)[.. g.Value.Runs.Skip(runsBefore[g.Key])], StringComparer.OrdinalIgnoreCase),
            Guests.ToDictionary(g => g.Key, g => g.Value.Guest, StringComparer.OrdinalIgnoreCase),
            outDir);
    }
}

/// <summary>One CLI run against the fleet: its result and report, the ARM requests and guest runs it caused, the guests after it.</summary>
public sealed record FleetRun(
    CliResult Result,
    RunReport Report,
    IReadOnlyList<string> RequestsInRun,
    int SnapshotsTaken,
    IReadOnlyDictionary<string, IReadOnlyList<PwshGuestRun>> Runs,
    IReadOnlyDictionary<string, JsonObject> GuestsAfter,
    string OutDir);
