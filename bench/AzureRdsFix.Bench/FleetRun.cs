using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Bench;

/// <summary>One run of the tool against a fresh simulated Azure, and everything measured about it.</summary>
public sealed record FleetRunResult(
    string Command,
    int Vms,
    int Subscriptions,
    int MaxParallel,
    double WallSeconds,
    ToolStats Tool,
    long ArmCalls,
    long Throttled,
    long Conflicts,
    IReadOnlyDictionary<ArmOperation, long> ByOperation,
    IReadOnlyDictionary<string, int> Outcomes,
    LowerBound Bound,
    JournalSummary Journal,
    double SimulatorCpuSeconds,
    string OutDir);

/// <summary>
/// Starts the simulator in this process, runs <c>azrdsfix scan|fix</c> as a child process (so its memory is its own)
/// with SSL_CERT_FILE trusting the simulator's certificate and a token in AZRDSFIX_ACCESS_TOKEN, and collects the
/// simulator's counters and the tool's journal afterwards.
/// </summary>
public sealed class FleetRun(BenchOptions options, X509Certificate2 certificate, string certificatePem, string workDir)
{
    private const string Token = "bench-token-not-a-secret";

    public async Task<FleetRunResult> RunAsync(string command, int vms, int subscriptions, int maxParallel, CancellationToken cancellationToken)
    {
        var fleet = Fleet.Generate(vms, subscriptions, options.Seed);
        var simulation = new SimulationOptions
        {
            LatencyScale = options.LatencyScale,
            // Compute's budgets, refilled on the same scaled clock as the latencies: a simulated minute of refill per
            // (60 × scale) real seconds.
            Throttle = new ThrottleSettings(Enabled: true, TimeScale: 1 / options.LatencyScale),
            Certificate = certificate,
        };
        await using var azure = await SimulatedAzure.StartAsync(fleet, simulation, cancellationToken);
        var outDir = Path.Combine(workDir, $"{command}-{vms}-p{maxParallel}");
        var statsPath = Path.Combine(workDir, $"{command}-{vms}-p{maxParallel}.stats.json");
        string[] toolArgs =
        [
            command, "--arm-endpoint", azure.Endpoint.ToString(), "--auth", "token",
            .. maxParallel > 0 ? new[] { "--max-parallel", maxParallel.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
            "--quiet", "--fail-on", "never", "--out", outDir,
            .. command == "fix" ? new[] { "--license-server", fleet.LicenseServer!, "--yes" } : [],
        ];

        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var (exit, stderr) = await RunChildAsync(statsPath, toolArgs, cancellationToken);
        var wall = clock.Elapsed.TotalSeconds;
        var simulatorCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - simulatorCpu).TotalSeconds;
        if (exit != 0 || !File.Exists(statsPath))
        {
            throw new InvalidOperationException($"azrdsfix {command} exited {exit}: {stderr.Trim()}");
        }

        var stats = JsonSerializer.Deserialize<ToolStats>(await File.ReadAllTextAsync(statsPath, cancellationToken))!;
        var journal = JournalSummary.Read(Path.Combine(outDir, "journal.jsonl"), options.LatencyScale);
        var bound = LowerBound.Compute(fleet, journal, options.LatencyScale);
        var counters = azure.Counters;
        return new FleetRunResult(
            command, vms, subscriptions, maxParallel, wall, stats, counters.Total, counters.Throttled, counters.Conflicts,
            counters.ByOperation(), journal.Outcomes, bound, journal, simulatorCpuSeconds, outDir);
    }

    private async Task<(int Exit, string StdErr)> RunChildAsync(string statsPath, string[] toolArgs, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FleetRun).Assembly.Location);
        start.ArgumentList.Add(ToolChild.Verb);
        start.ArgumentList.Add(statsPath);
        start.ArgumentList.Add("--");
        foreach (var arg in toolArgs)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SSL_CERT_FILE"] = certificatePem;
        start.Environment["AZRDSFIX_ACCESS_TOKEN"] = Token;
        start.Environment[ToolChild.ClockScaleVariable] = options.LatencyScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("TF_BUILD"); // no Azure Pipelines logging commands from the child
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the tool's process.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }
}
