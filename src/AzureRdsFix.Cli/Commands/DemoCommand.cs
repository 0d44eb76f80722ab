using System.CommandLine;
using AzureRdsFix.Azure.SerialConsole;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Cli.Commands;

/// <summary>
/// `azrdsfix demo`: the whole job against the built-in simulated Azure, through the same Azure SDK path as a real run.
/// The simulator's certificate is pinned for this process only.
/// </summary>
public sealed class DemoCommand(CliServices services)
{

    private readonly Option<int?> _vms = new(OptionNames.Vms) { Description = "Use a generated fleet of N VMs instead of the demo fleet." };
    private readonly Option<bool> _fix = new(OptionNames.Fix) { Description = "Scan, then fix with the simulator's license server, then verify." };
    private readonly Option<string?> _out = new(OptionNames.Out) { Description = "Output folder (default ./azrdsfix-runs/<runId>/)." };

    public Command Build()
    {
        var command = new Command("demo", "Run the whole job against the built-in simulated Azure (no Azure account needed).");
        command.Options.Add(_vms);
        command.Options.Add(_fix);
        command.Options.Add(_out);
        command.SetAction((result, ct) => ExecuteAsync(result.GetValue(_vms), result.GetValue(_fix), result.GetValue(_out), ct));
        return command;
    }

    private async Task<int> ExecuteAsync(int? vms, bool fix, string? outDir, CancellationToken cancellationToken)
    {
        if (vms is < 1 or > 20000)
        {
            throw new UsageException($"{OptionNames.Vms} {vms} is out of range: expected a whole number from 1 to 20000.");
        }

        var fleet = vms is { } count ? Fleet.Generate(count, Math.Max(1, count / 500), seed: 1) : Fleet.Demo();
        await using var azure = await SimulatedAzure.StartAsync(fleet, new SimulationOptions(), cancellationToken);
        await services.IO.Out.WriteLineAsync($"Simulated Azure at {azure.Endpoint} with {fleet.VmCount} VMs in {fleet.Subscriptions.Count} subscriptions.");

        var environment = new DemoEnvironment(services.Environment, DemoToken(services.Time), azure.SerialConsole.Password);
        var demo = services with
        {
            Environment = environment,
            PinnedCertificate = azure.Certificate,
            GuestChannel = services.GuestChannel with { BusyRetryDelay = TimeSpan.FromMilliseconds(200), BusyRetryMaxDelay = TimeSpan.FromSeconds(2) },
            SerialConsole = SacOptions.Fast,
        };
        // The simulated guests' local account: the agent-not-ready VM is reached over the serial console.
        var root = new[] { "--arm-endpoint", azure.Endpoint.ToString(), "--auth", "token", "--fail-on", "never", OptionNames.SerialUser, azure.SerialConsole.User };
        var outArgs = outDir is null ? [] : new[] { "--out", Path.Combine(outDir, "scan") };
        await services.IO.Out.WriteLineAsync("== scan ==");
        var scan = await new CliApp(demo).RunAsync(["scan", .. root, .. outArgs], cancellationToken);
        if (!fix || scan is not (ExitCodes.Success or ExitCodes.FindingsAtThreshold))
        {
            return scan;
        }

        await services.IO.Out.WriteLineAsync($"== fix --license-server {fleet.LicenseServer} ==");
        var fixOut = outDir is null ? [] : new[] { "--out", Path.Combine(outDir, "fix") };
        return await new CliApp(demo).RunAsync(["fix", .. root, "--license-server", fleet.LicenseServer!, "--yes", .. fixOut], cancellationToken);
    }

    /// <summary>
    /// A throwaway token shaped like the ones Entra ID issues (an unsigned JWT, RFC 7519), so the tool reads its expiry as
    /// it would a real one: valid for an hour from now. The simulator does not check signatures.
    /// </summary>
    private static string DemoToken(TimeProvider time)
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        return $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part($$"""{"aud":"https://management.azure.com/","sub":"azrdsfix-demo","exp":{{exp}}}""")}.";
    }

    /// <summary>The caller's environment, plus the simulator's throwaway token for --auth token and its guests' serial console password.</summary>
    private sealed class DemoEnvironment(ICliEnvironment inner, string token, string serialPassword) : ICliEnvironment
    {
        public string? GetVariable(string name) => name switch
        {
            OptionNames.AccessTokenVariable => token,
            OptionNames.SerialPasswordVariable => serialPassword,
            _ => inner.GetVariable(name),
        };

        public string CurrentDirectory => inner.CurrentDirectory;
    }
}
