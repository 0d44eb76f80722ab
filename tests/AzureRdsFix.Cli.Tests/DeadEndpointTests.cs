using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// An ARM endpoint that refuses connections, or accepts them and never answers: one sentence naming it, exit 3, never a
/// stack trace, within a bound. The limits are generous (the test machine is loaded); the tool's own bounds are far tighter.
/// </summary>
public sealed class DeadEndpointTests
{
    private static readonly Dictionary<string, string?> Token = new() { ["AZRDSFIX_ACCESS_TOKEN"] = "any-token" };

    [Fact]
    public async Task Scan_EndpointRefusesConnections_OneSentenceExit3Quickly()
    {
        using var dir = new TempDir();
        var port = ClosedPort();
        var clock = Stopwatch.StartNew();
        var result = await CliRunner.RunAsync(
            ["scan", "--arm-endpoint", $"https://127.0.0.1:{port}/", "--auth", "token", "--out", Path.Combine(dir.Path, "out")],
            Token,
            workingDirectory: dir.Path);
        clock.Stop();

        result.ExitCode.Should().Be(3, result.StdOut + result.StdErr);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a refused connection is not retried for minutes");
        AssertOneSentence(result, port);
    }

    [Fact]
    public async Task Scan_EndpointAcceptsButNeverAnswers_EndsWithinTheStepTimeoutExit3()
    {
        using var dir = new TempDir();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    held.Add(await listener.AcceptTcpClientAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var clock = Stopwatch.StartNew();
        var result = await CliRunner.RunAsync(
            ["scan", "--arm-endpoint", $"https://127.0.0.1:{port}/", "--auth", "token", "--step-timeout", "3s", "--out", Path.Combine(dir.Path, "out")],
            Token,
            workingDirectory: dir.Path);
        clock.Stop();
        await stop.CancelAsync();
        await accepting;
        held.ForEach(c => c.Dispose());

        result.ExitCode.Should().Be(3, result.StdOut + result.StdErr);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "--step-timeout 3s bounds every wait on the endpoint");
        AssertOneSentence(result, port);
    }

    private static void AssertOneSentence(CliResult result, int port)
    {
        var errors = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("azrdsfix: note:", StringComparison.Ordinal)).ToArray();
        errors.Should().ContainSingle(result.StdErr).Which.Should().Contain($"127.0.0.1:{port}");
        (result.StdOut + result.StdErr).Should().NotContain("   at ").And.NotContain("Exception");
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
