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
    private readonly Option<int?> _vms = new(OptionNames.Vms) { Description = "Generate a fleet of this many VMs (a realistic mix of guests) instead of the demo fleet." };
    private readonly Option<int> _subscriptions = new(OptionNames.Subscriptions) { Description = "With --vms: spread the VMs over this many subscriptions.", DefaultValueFactory = _ => 1 };

    public Command Build()
    {
        var command = new Command("simulate", "Serve the simulated Azure on 127.0.0.1 until Ctrl+C.");
        command.Options.Add(_port);
        command.Options.Add(_fleet);
        command.Options.Add(_vms);
        command.Options.Add(_subscriptions);
        command.SetAction((result, ct) => ExecuteAsync(result.GetValue(_port), result.GetValue(_fleet), result.GetValue(_vms), result.GetValue(_subscriptions), ct));
        return command;
    }

    private async Task<int> ExecuteAsync(int port, string? fleetPath, int? vms, int subscriptions, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"{OptionNames.Port} {port} is out of range: expected 0 to 65535.");
        }

        if (vms is < 1 or > 100_000)
        {
            throw new UsageException($"{OptionNames.Vms} {vms} is out of range: expected a whole number of VMs from 1 to 100000.");
        }

        if (subscriptions is < 1 or > 1_000 || (vms is { } count && subscriptions > count))
        {
            throw new UsageException($"{OptionNames.Subscriptions} {subscriptions} is out of range: expected 1 to 1000 subscriptions, at most one per VM.");
        }

        if (vms is not null && fleetPath is not null)
        {
            throw new UsageException($"{OptionNames.Vms} and {OptionNames.Fleet} contradict each other: generate a fleet, or load one from a file, not both.");
        }

        Fleet fleet;
        try
        {
            fleet = vms is { } generated
                ? Fleet.Generate(generated, subscriptions, seed: 1)
                : fleetPath is null ? Fleet.Demo() : Fleet.LoadFile(Path.GetFullPath(fleetPath, services.Environment.CurrentDirectory));
        }
        catch (FleetFormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        SimulatedAzure azure;
        try
        {
            azure = await SimulatedAzure.StartAsync(fleet, new SimulationOptions { Port = port }, cancellationToken);
        }
        catch (IOException ex) when (port != 0)
        {
            // Kestrel's AddressInUseException is an IOException: another process (or another simulator) has the port.
            throw new UsageException($"{OptionNames.Port} {port} cannot be used ({ex.Message.Split('.')[0].Trim()}): choose a free port, or 0 for any free one.");
        }

        await using var _ = azure;
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

        await io.WriteLineAsync("Press Ctrl+C (or send SIGTERM) to stop.");
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
