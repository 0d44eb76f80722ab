using System.CommandLine;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Cli.Commands;

/// <summary>`azrdsfix simulate`: serve the simulated Azure so a user can point scan/plan/fix at it by hand.</summary>
public sealed class SimulateCommand(CliServices services)
{
    private readonly Option<int> _port = new(OptionNames.Port) { Description = "Port on 127.0.0.1 (0 = any free port).", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _fleet = new(OptionNames.Fleet) { Description = "Fleet file (JSON, see docs/simulated-azure.md); default: the demo fleet." };

    public Command Build()
    {
        var command = new Command("simulate", "Serve the simulated Azure on 127.0.0.1 until Ctrl+C.");
        command.Options.Add(_port);
        command.Options.Add(_fleet);
        command.SetAction((result, ct) => ExecuteAsync(result.GetValue(_port), result.GetValue(_fleet), ct));
        return command;
    }

    private async Task<int> ExecuteAsync(int port, string? fleetPath, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"{OptionNames.Port} {port} is out of range: expected 0 to 65535.");
        }

        Fleet fleet;
        try
        {
            fleet = fleetPath is null ? Fleet.Demo() : Fleet.LoadFile(Path.GetFullPath(fleetPath, services.Environment.CurrentDirectory));
        }
        catch (FleetFormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        await using var azure = await SimulatedAzure.StartAsync(fleet, new SimulationOptions { Port = port }, cancellationToken);
        var pem = Path.Combine(Path.GetTempPath(), $"azrdsfix-simulator-{azure.Endpoint.Port}.pem");
        azure.ExportCertificatePem(pem);
        var io = services.IO.Out;
        await io.WriteLineAsync($"Simulated Azure: {azure.Endpoint} ({fleet.VmCount} VMs, {fleet.Subscriptions.Count} subscriptions).");
        await io.WriteLineAsync($"Its certificate (trust it for the client only): {pem}");
        await io.WriteLineAsync("In another shell:");
        await io.WriteLineAsync($"  export SSL_CERT_FILE={pem} {OptionNames.AccessTokenVariable}=any-token");
        await io.WriteLineAsync($"  azrdsfix scan --arm-endpoint {azure.Endpoint} --auth token");
        if (fleet.LicenseServer is { } server)
        {
            await io.WriteLineAsync($"  azrdsfix fix --arm-endpoint {azure.Endpoint} --auth token --license-server {server} --yes");
        }

        await io.WriteLineAsync("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Success;
    }
}
