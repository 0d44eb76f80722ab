using AzureRdsFix.Simulation.Faults;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Lro;
using AzureRdsFix.Simulation.Throttling;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>Everything the handlers share: the fleet, the clock, the operations, faults, throttling and counters.</summary>
internal sealed class SimulationState
{
    public SimulationState(Fleet fleet, SimulationOptions options)
    {
        Fleet = fleet;
        Time = options.Time;
        var faults = options.Faults ?? fleet.Faults;
        LatencyScale = options.LatencyScale ?? faults.LatencyScale;
        LroDelay = faults.LroDelay;
        Faults = new FaultInjector(faults, Time);
        Throttle = new ThrottleModel(options.Throttle ?? fleet.Throttle, Time);
        ArmBudget = new ArmBudget(options.Throttle ?? fleet.Throttle, Time);
        Operations = new LroStore(Time);
    }

    public Fleet Fleet { get; }

    public TimeProvider Time { get; }

    public double LatencyScale { get; }

    public TimeSpan LroDelay { get; }

    public FaultInjector Faults { get; }

    public ThrottleModel Throttle { get; }

    public ArmBudget ArmBudget { get; }

    public LroStore Operations { get; }

    public SimulationCounters Counters { get; } = new();

    public SerialConsole.SerialConsoleSimulation SerialConsole { get; } = new();

    public DateTimeOffset Now => Time.GetUtcNow();

    public TimeSpan Scaled(TimeSpan duration) => duration * LatencyScale;

    /// <summary>When an LRO of this real-world length, started now, finishes.</summary>
    public DateTimeOffset LroDue(TimeSpan duration) => Now + Scaled(duration) + LroDelay;

    /// <summary>When an LRO whose real-world length spreads uniformly from <paramref name="min"/> to <paramref name="max"/>, started now, finishes.</summary>
    /// The drawn length is added to <paramref name="vm"/>'s <see cref="Fleets.SimulatedVm.LroTime"/>, for the benchmark's lower bound.
    public DateTimeOffset LroDue(TimeSpan min, TimeSpan max, Fleets.SimulatedVm? vm = null)
    {
        var duration = Draw(min, max);
        vm?.AddLroTime(Scaled(duration) + LroDelay);
        return LroDue(duration);
    }

    /// <summary>
    /// A wait in the guest that no tool can shorten (the VM agent starting after a restart), scaled; added to
    /// <paramref name="vm"/>'s <see cref="Fleets.SimulatedVm.LroTime"/> like an LRO, for the benchmark's lower bound.
    /// </summary>
    public TimeSpan GuestDelay(TimeSpan min, TimeSpan max, Fleets.SimulatedVm vm)
    {
        var delay = Scaled(Draw(min, max));
        vm.AddLroTime(delay);
        return delay;
    }

    private TimeSpan Draw(TimeSpan min, TimeSpan max)
    {
        double draw;
        lock (_spread)
        {
            draw = _spread.NextDouble();
        }

        return min + ((max - min) * draw);
    }

    // Seeded: a run's spread is the same each time for the same order of calls.
    private readonly Random _spread = new(20);
}

/// <summary>One routed request as the handlers see it.</summary>
internal sealed record ArmRequest(
    ArmRoute Route,
    string Method,
    Microsoft.AspNetCore.Http.IQueryCollection Query,
    string BaseUrl,
    string ApiVersion,
    System.Text.Json.Nodes.JsonNode? Body)
{
    public string? QueryValue(string name) => Query.TryGetValue(name, out var values) ? values.ToString() : null;
}
