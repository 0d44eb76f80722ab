using System.Diagnostics;
using System.Text.Json;

namespace AzureRdsFix.Bench;

/// <summary>What the tool's process measured about itself.</summary>
public sealed record ToolStats(
    int ExitCode,
    double RunSeconds,
    long PeakWorkingSetBytes,
    long PeakManagedBytes,
    long TotalAllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    double CpuSeconds);

/// <summary>
/// Child mode (<c>tool STATS_FILE -- ARGS</c>): runs the real <c>azrdsfix</c> entry point, <see cref="Cli.Program.Main"/>,
/// in a process of its own (no simulator in it), samples the managed heap while it runs and writes <see cref="ToolStats"/>.
/// </summary>
public static class ToolChild
{
    public const string Verb = "tool";

    /// <summary>
    /// The simulator's latency scale, passed to the child: the tool runs on a clock that many times faster
    /// (<see cref="ScaledClock"/>), so its poll intervals, back-offs and Azure's budgets as it counts them stay in
    /// proportion to the scaled durations, as DESIGN.md asks ("a scaled benchmark scales them too").
    /// </summary>
    public const string ClockScaleVariable = "BENCH_CLOCK_SCALE";

    public static async Task<int> RunAsync(string statsPath, string[] toolArgs)
    {
        long peakManaged = 0;
        var clock = Stopwatch.StartNew();

        // BENCH_HEAP_TRACE=FILE: also write "seconds,managed bytes" every sample, to see when the heap grows.
        var tracePath = Environment.GetEnvironmentVariable("BENCH_HEAP_TRACE");
        using var trace = tracePath is null ? null : new StreamWriter(tracePath) { AutoFlush = true };
        var traceLock = new Lock();
        void Sample()
        {
            var heap = Math.Max(GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo().HeapSizeBytes);
            if (trace is not null)
            {
                lock (traceLock)
                {
                    trace.WriteLine(FormattableString.Invariant($"{clock.Elapsed.TotalSeconds:0.00},{heap}"));
                }
            }

            long seen;
            while (heap > (seen = Interlocked.Read(ref peakManaged)) && Interlocked.CompareExchange(ref peakManaged, heap, seen) != seen)
            {
            }
        }

        int exit;
        using (new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50)))
        {
            exit = await RunToolAsync(toolArgs);
            Sample();
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var stats = new ToolStats(
            exit,
            clock.Elapsed.TotalSeconds,
            self.PeakWorkingSet64,
            Interlocked.Read(ref peakManaged),
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            self.TotalProcessorTime.TotalSeconds);
        await File.WriteAllTextAsync(statsPath, JsonSerializer.Serialize(stats));
        return exit;
    }

    /// <summary>What <see cref="Cli.Program.Main"/> does, with the clock scaled when the parent asks for it.</summary>
    private static async Task<int> RunToolAsync(string[] toolArgs)
    {
        var scale = double.TryParse(Environment.GetEnvironmentVariable(ClockScaleVariable), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : 1;
        if (scale == 1)
        {
            return await Cli.Program.Main(toolArgs);
        }

        var io = new Cli.Hosting.IOContext(Console.In, Console.Out, Console.Error, false, false);
        var services = new Cli.Hosting.CliServices(io, new ProcessEnvironment(), new ScaledClock(scale));
        return await new Cli.CliApp(services).RunAsync(toolArgs, CancellationToken.None);
    }

    private sealed class ProcessEnvironment : Cli.Hosting.ICliEnvironment
    {
        public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

        public string CurrentDirectory => Environment.CurrentDirectory;
    }
}

/// <summary>A real clock running 1 / scale times fast (the same as tests/AzureRdsFix.Testing/ScaledTimeProvider).</summary>
public sealed class ScaledClock(double scale) : TimeProvider
{
    private readonly long _startTimestamp = System.GetTimestamp();
    private readonly DateTimeOffset _startUtc = System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => _startUtc + (System.GetElapsedTime(_startTimestamp) / scale);

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() => _startTimestamp + (long)((System.GetTimestamp() - _startTimestamp) / scale);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Real(dueTime), Real(period));

    private TimeSpan Real(TimeSpan span) => span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero ? span : span * scale;
}
