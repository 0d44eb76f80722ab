using System.Security.Cryptography.X509Certificates;
using Azure.ResourceManager;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Azure.SerialConsole;
using AzureRdsFix.Cli.Arguments;

namespace AzureRdsFix.Cli.Hosting;

/// <summary>Everything a command may touch outside itself. Program builds the real one; tests build their own.</summary>
public sealed record CliServices(IOContext IO, ICliEnvironment Environment, TimeProvider Time)
{
    /// <summary>
    /// A certificate this process itself started a server with (the built-in simulator, or a test's fake ARM): trusted
    /// for that endpoint only, in addition to the normal checks. Never set from the command line.
    /// </summary>
    public X509Certificate2? PinnedCertificate { get; init; }

    /// <summary>Run Command pacing; the built-in simulator answers in milliseconds, so the demo waits less between 409 retries.</summary>
    public Azure.Guest.GuestChannelOptions GuestChannel { get; init; } = new();

    /// <summary>How often and how long to wait for the VM agent after a restart.</summary>
    public Azure.Power.PowerOptions Power { get; init; } = new();

    /// <summary>Waits and typing pace of the serial console channel; the demo's simulator needs no pauses.</summary>
    public Azure.SerialConsole.SacOptions SerialConsole { get; init; } = new();

    /// <summary>
    /// The composition root's one override point for the engine: tests replace single ports (a guest answer the
    /// simulator cannot make, a listing that repeats VMs) and still run every command through CliApp.
    /// </summary>
    public Func<Engine.EnginePorts, Engine.EnginePorts> DecoratePorts { get; init; } = ports => ports;

    /// <summary>Told each time a VM's report line is read back from a journal for the end-of-run outputs (tests count the passes).</summary>
    public Action<Core.Reporting.VmReport>? ReportLineRead { get; init; }

    /// <summary>
    /// The engine's ports over one ArmClient: the only place commands get them from. The serial console channel is there
    /// when an account was given (password only from the environment, never from the command line, never kept anywhere
    /// else); without one it is never tried.
    /// </summary>
    public Engine.EnginePorts CreatePorts(ArmClient client, ConnectionOptions connection, ExecutionArguments execution)
        => DecoratePorts(Engine.EnginePortsFactory.Create(client, GuestChannel, Power, Time, connection.Scheduler, arm => SerialChannel(arm, connection, execution)));

    /// <summary>Bad input before any Azure call: a serial console account without its password.</summary>
    public void RequireSerialPassword(ExecutionArguments execution)
    {
        if (execution.SerialUser is not null && string.IsNullOrEmpty(Environment.GetVariable(OptionNames.SerialPasswordVariable)))
        {
            throw new UsageException($"{OptionNames.SerialUser} needs the account's password in the environment variable {OptionNames.SerialPasswordVariable}, which is not set.");
        }
    }

    private SerialConsoleGuestChannel? SerialChannel(ArmClient client, ConnectionOptions connection, ExecutionArguments execution)
    {
        if (execution.SerialUser is not { } user)
        {
            return null;
        }

        // Checked non-empty before the run started (RequireSerialPassword).
        var password = Environment.GetVariable(OptionNames.SerialPasswordVariable)!;
        var credential = ArmClientFactory.CreateCredential(connection, Environment.GetVariable);
        var scope = ArmClientFactory.CreateClientOptions(connection).Environment!.Value.DefaultScope;
        return new SerialConsoleGuestChannel(
            client,
            new WebSocketSerialConnector(credential, scope, PinnedCertificate),
            new SerialCredentials(user, execution.SerialDomain, password),
            SerialConsole,
            Time);
    }
}
