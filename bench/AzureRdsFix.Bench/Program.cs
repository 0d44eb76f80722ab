using System.Globalization;
using System.Runtime.InteropServices;
using AzureRdsFix.Bench;
using AzureRdsFix.Simulation;

if (args.Length > 0 && args[0] == ToolChild.Verb)
{
    // Child mode: the tool itself, measured alone. args: tool STATS_FILE -- <azrdsfix arguments>
    return await ToolChild.RunAsync(args[1], args[3..]);
}

BenchOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }

    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var workDir = Directory.CreateTempSubdirectory("azrdsfix-bench-").FullName;
using var certificate = SimulatedAzure.CreateCertificate();
var pem = Path.Combine(workDir, "simulator.pem");
File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n");
var runner = new FleetRun(options, certificate, pem, workDir);
var ct = cancellation.Token;

var scale = options.LatencyScale;
Console.WriteLine($"azrdsfix fleet benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RuntimeInformation.OSDescription}");
Console.WriteLine($"fleet: {options.Vms} VMs in {options.Subscriptions} subscriptions (seed {options.Seed}); latency scale {scale.ToString(CultureInfo.InvariantCulture)}: " +
    $"Run Command {Range(SimulatedDurations.RunCommand, SimulatedDurations.RunCommandMax)}, restart {Range(SimulatedDurations.Restart, SimulatedDurations.RestartMax)}, " +
    $"snapshot {Range(SimulatedDurations.Snapshot, SimulatedDurations.SnapshotMax)}, read {Sec(SimulatedDurations.ReadLatency.TotalSeconds * scale)}; " +
    $"ARM and Compute throttle models on, buckets refill {1 / scale:0.#}× faster");
Console.WriteLine($"tool: azrdsfix as a child process on a clock {1 / scale:0.#}× fast, --max-parallel {(options.MaxParallel > 0 ? options.MaxParallel.ToString(CultureInfo.InvariantCulture) : "default")}");
Console.WriteLine();

try
{
    var runs = new List<FleetRunResult>();
    if (options.Scan)
    {
        Console.Error.WriteLine($"bench: scan of {options.Vms} VMs…");
        runs.Add(await runner.RunAsync("scan", options.Vms, options.Subscriptions, options.MaxParallel, ct));
    }

    if (options.Fix)
    {
        Console.Error.WriteLine($"bench: fix of {options.Vms} VMs…");
        runs.Add(await runner.RunAsync("fix", options.Vms, options.Subscriptions, options.MaxParallel, ct));
    }
    FleetRunResult? baseline = null;
    if (options.Baseline)
    {
        Console.Error.WriteLine($"bench: fix of {options.BaselineVms} VMs with --max-parallel 1…");
        baseline = await runner.RunAsync("fix", options.BaselineVms, Math.Min(options.Subscriptions, options.BaselineVms), 1, ct);
    }

    Report.Print(runs, baseline, options);
    if (options.Keep)
    {
        Console.WriteLine($"Reports and journals kept in {workDir}");
    }
}
finally
{
    if (!options.Keep)
    {
        try
        {
            Directory.Delete(workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

return 0;

string Range(TimeSpan min, TimeSpan max) => $"{(min.TotalSeconds * scale).ToString("0.0#", CultureInfo.InvariantCulture)}–{Sec(max.TotalSeconds * scale)}";

static string Sec(double seconds) => seconds.ToString("0.00#", CultureInfo.InvariantCulture) + " s";
