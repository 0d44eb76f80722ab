using System.Security.Cryptography.X509Certificates;
using AzureRdsFix.Cli;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Azure.Guest;

namespace AzureRdsFix.Cli.Tests;

public sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the real CLI in-process with injected streams and environment, as a user would from a shell.</summary>
public static class CliRunner
{
    /// <summary>
    /// Short 409 back-off, but a window (~6 s) longer than a simulated Run Command at the slowest latency tests use: a
    /// run killed mid-Run Command leaves it running in the simulator, and the resumed run must outwait it.
    /// </summary>
    public static readonly GuestChannelOptions FastRetries = new()
    {
        BusyRetries = 10,
        BusyRetryDelay = TimeSpan.FromMilliseconds(100),
        BusyRetryMaxDelay = TimeSpan.FromSeconds(1),
    };

    public static async Task<CliResult> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string?>? environment = null,
        X509Certificate2? pinned = null,
        string? workingDirectory = null,
        string? terminalInput = null,
        Func<CliServices, CliServices>? configure = null,
        CancellationToken cancellationToken = default)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var io = terminalInput is null
            ? IOContext.ForStrings(stdout, stderr)
            : new IOContext(new StringReader(terminalInput), stdout, stderr, OutputIsTerminal: false, InputIsTerminal: true);
        var services = new CliServices(
            io,
            new DictionaryEnvironment(environment ?? new Dictionary<string, string?>(), workingDirectory ?? Path.GetTempPath()),
            TimeProvider.System)
        {
            PinnedCertificate = pinned,
            GuestChannel = FastRetries,
            SerialConsole = AzureRdsFix.Azure.SerialConsole.SacOptions.Fast,
        };
        var exit = await new CliApp(configure?.Invoke(services) ?? services).RunAsync(args, cancellationToken);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A fresh folder per test, removed afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("azrdsfix-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
