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
            exit = await Cli.Program.Main(toolArgs);
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
}
