using System.Collections.Concurrent;
using AzureRdsFix.Simulation.Arm;

namespace AzureRdsFix.Simulation;

/// <summary>
/// Requests the simulator saw, per ARM operation, plus the faults it answered with; thread-safe. The benchmark divides
/// <see cref="Total"/> by the VM count for "ARM calls per VM".
/// </summary>
public sealed class SimulationCounters
{
    private readonly long[] _byOperation = new long[Enum.GetValues<ArmOperation>().Length];
    private readonly ConcurrentDictionary<string, long> _byVm = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(ArmOperation, string), byte> _apiVersions = new();
    private long _total;
    private long _throttled;
    private long _serverErrors;
    private long _conflicts;
    private long _unauthenticated;

    public long Total => Interlocked.Read(ref _total);

    /// <summary>429 answers: injected every-Nth faults and the throttle model's.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    /// <summary>409 "Run command extension execution is in progress" answers.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    public long this[ArmOperation operation] => Interlocked.Read(ref _byOperation[(int)operation]);

    /// <summary>Operations with a non-zero count.</summary>
    public IReadOnlyDictionary<ArmOperation, long> ByOperation() =>
        Enum.GetValues<ArmOperation>().Where(op => this[op] > 0).ToDictionary(op => op, op => this[op]);

    /// <summary>Requests addressed to one VM (its GET, instance view, Run Command, restart), by VM id.</summary>
    public long ForVm(string vmId) => _byVm.TryGetValue(vmId, out var count) ? count : 0;

    /// <summary>The api-versions clients sent, per operation (what the SDK in use really sends).</summary>
    public IReadOnlyDictionary<ArmOperation, IReadOnlyList<string>> ApiVersions() =>
        _apiVersions.Keys.GroupBy(k => k.Item1).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(k => k.Item2).Order(StringComparer.Ordinal)]);

    internal void CountApiVersion(ArmOperation operation, string apiVersion) => _apiVersions.TryAdd((operation, apiVersion), 0);

    internal void Count(ArmOperation operation)
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _byOperation[(int)operation]);
    }

    internal void CountVm(string vmId) => _byVm.AddOrUpdate(vmId, 1, (_, count) => count + 1);

    internal void CountStatus(int status, bool runCommandConflict)
    {
        if (status == 429)
        {
            Interlocked.Increment(ref _throttled);
        }
        else if (status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }
        else if (status == 401)
        {
            Interlocked.Increment(ref _unauthenticated);
        }
        else if (runCommandConflict)
        {
            Interlocked.Increment(ref _conflicts);
        }
    }
}
