using System.Globalization;

namespace AzureRdsFix.Bench;

/// <summary>The benchmark's command line. Every figure it prints depends on these, so the table repeats them.</summary>
public sealed record BenchOptions
{
    public int Vms { get; init; } = 2000;

    public int Subscriptions { get; init; } = 20;

    /// <summary>Multiplies <see cref="Simulation.SimulatedDurations"/>; Compute's token buckets refill 1/scale faster, to match.</summary>
    public double LatencyScale { get; init; } = 0.25;

    /// <summary>The tool's --max-parallel for the fleet runs; 0 = the tool's default.</summary>
    public int MaxParallel { get; init; }

    /// <summary>VMs in the one-VM-at-a-time (--max-parallel 1) sample.</summary>
    public int BaselineVms { get; init; } = 6;

    public int Seed { get; init; } = 1;

    public bool Scan { get; init; } = true;

    public bool Fix { get; init; } = true;

    public bool Baseline { get; init; } = true;

    /// <summary>Keep the tool's out folders (report.json, journal.jsonl) and print where they are.</summary>
    public bool Keep { get; init; }

    public const string Usage = """
        azrdsfix fleet benchmark: runs the real azrdsfix (as a child process) against the simulated Azure.

        dotnet run -c Release --project bench/AzureRdsFix.Bench -- [options]
          --vms N              fleet size (default 2000)
          --subscriptions N    subscriptions the fleet is spread over (default 20)
          --latency-scale X    multiplies the simulator's real-world durations (default 0.25: Run Command 5–15 s);
                               ARM's and Compute's throttle buckets refill 1/X times faster, and the tool's clock
                               runs 1/X times faster, to match
          --max-parallel N     the tool's --max-parallel for the fleet runs (default: the tool's own default)
          --baseline-vms N     VMs in the --max-parallel 1 sample (default 6; 0 skips it)
          --no-scan            skip the scan run
          --no-fix             skip the fix run and the baseline (e.g. to compare memory across fleet sizes)
          --seed N             fleet generator seed (default 1)
          --keep               keep the tool's report and journal folders
          --quick              small run for a smoke check: 200 VMs, 4 subscriptions, 2 baseline VMs
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--vms" => options with { Vms = PositiveInt(name, Next()) },
                "--subscriptions" => options with { Subscriptions = PositiveInt(name, Next()) },
                "--latency-scale" => options with { LatencyScale = Scale(Next()) },
                "--max-parallel" => options with { MaxParallel = PositiveInt(name, Next()) },
                "--baseline-vms" => options with { BaselineVms = int.Parse(Next(), CultureInfo.InvariantCulture), Baseline = options.Baseline },
                "--no-scan" => options with { Scan = false },
                "--no-fix" => options with { Fix = false, BaselineVms = 0 },
                "--seed" => options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--keep" => options with { Keep = true },
                "--quick" => options with { Vms = 200, Subscriptions = 4, BaselineVms = 2 },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options with { Baseline = options.BaselineVms > 0 };
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} expects a whole number above 0, not '{value}'.");

    private static double Scale(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 && x <= 1
            ? x
            : throw new ArgumentException($"--latency-scale expects a number in (0, 1], not '{value}'.");
}
