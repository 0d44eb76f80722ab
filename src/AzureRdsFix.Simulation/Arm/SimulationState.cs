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
        Operations = new LroStore(Time);
    }

    public Fleet Fleet { get; }

    public TimeProvider Time { get; }

    public double LatencyScale { get; }

    public TimeSpan LroDelay { get; }

    public FaultInjector Faults { get; }

    public ThrottleModel Throttle { get; }

    public LroStore Operations { get; }

    public SimulationCounters Counters { get; } = new();

    public SerialConsole.SerialConsoleSimulation SerialConsole { get; } = new();

    public DateTimeOffset Now => Time.GetUtcNow();

    public TimeSpan Scaled(TimeSpan duration) => duration * LatencyScale;

    /// <summary>When an LRO of this real-world length, started now, finishes.</summary>
    public DateTimeOffset LroDue(TimeSpan duration) => Now + Scaled(duration) + LroDelay;
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
