using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Cli.Tests;

/// <summary>A fresh simulated Azure (demo fleet unless told otherwise) and the arguments that point the CLI at it.</summary>
public sealed class SimulatorSession : IAsyncDisposable
{
    public const string Token = "sim-token-3f9c2a7e5b1d4c8a9e0f";

    private SimulatorSession(SimulatedAzure azure, TempDir dir)
    {
        Azure = azure;
        Dir = dir;
    }

    public SimulatedAzure Azure { get; }

    public TempDir Dir { get; }

    public string[] Connection => ["--arm-endpoint", Azure.Endpoint.ToString(), "--auth", "token"];

    public static async Task<SimulatorSession> StartAsync(Fleet? fleet = null, SimulationOptions? options = null)
        => new(await SimulatedAzure.StartAsync(fleet ?? Fleet.Demo(), options ?? SimulationOptions.Instant), new TempDir());

    public string Out(string name) => Path.Combine(Dir.Path, name);

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    public Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? extraEnvironment, string? terminalInput = null, CancellationToken cancellationToken = default)
    {
        var environment = new Dictionary<string, string?> { ["AZRDSFIX_ACCESS_TOKEN"] = Token };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return CliRunner.RunAsync([.. args, .. Connection], environment, Azure.Certificate, Dir.Path, terminalInput, cancellationToken: cancellationToken);
    }

    public static RunReport ReadReport(string outDir) => ReportJson.Read(File.ReadAllText(Path.Combine(outDir, "report.json")));

    public async ValueTask DisposeAsync()
    {
        await Azure.DisposeAsync();
        Dir.Dispose();
    }
}
