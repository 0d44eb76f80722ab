using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AzureRdsFix.Cli.Tests;

/// <summary>The command line's edges, through CliApp (or the built binary where a signal is the point).</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--auth", "bogus")]
    [InlineData("--cloud", "Mars")]
    [InlineData("--fail-on", "sometimes")]
    public async Task Scan_ValueNotAmongTheChoices_IsOneSentenceNamingTheOptionAndTheChoices(string option, string value)
    {
        var result = await CliRunner.RunAsync(["scan", option, value]);

        result.ExitCode.Should().Be(2);
        result.StdErr.Trim().Split('\n').Should().ContainSingle("one sentence, one line: " + result.StdErr);
        result.StdErr.Should().StartWith("azrdsfix: ").And.Contain(option).And.Contain("expected one of");
    }

    [Fact]
    public async Task Scan_CloudWithArmEndpoint_ExitsTwo()
    {
        var result = await CliRunner.RunAsync(["scan", "--cloud", "AzureChinaCloud", "--arm-endpoint", "https://127.0.0.1:9/", "--auth", "token"]);

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.Trim().Split('\n').Should().ContainSingle();
        result.StdErr.Should().Contain("--cloud").And.Contain("--arm-endpoint");
    }

    [Fact]
    public async Task Version_PrintsTheVersionAndTheCommit()
    {
        var result = await CliRunner.RunAsync(["--version"]);

        result.ExitCode.Should().Be(0);
        result.StdOut.Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+\+[0-9a-f]{7,}$");
    }

    [Fact]
    public async Task Simulate_PortInUse_ExitsTwoWithOneSentence()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await CliRunner.RunAsync(["simulate", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        result.ExitCode.Should().Be(2, result.StdErr);
        result.StdErr.Trim().Split('\n').Should().ContainSingle("no stack trace: " + result.StdErr);
        result.StdErr.Should().Contain($"--port {port}");
    }

    [Fact]
    public async Task Simulate_VmsAndSubscriptions_ServesAGeneratedFleet()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var result = await CliRunner.RunAsync(["simulate", "--vms", "120", "--subscriptions", "3"], cancellationToken: stop.Token);

        result.StdOut.Should().Contain("(120 VMs, 3 subscriptions)");
        result.ExitCode.Should().Be(0, "stopping the simulator is its normal end");
    }

    [Fact]
    public async Task Simulate_Sigterm_StopsAndExitsZero()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "azrdsfix.dll"));
        info.ArgumentList.Add("simulate");
        using var child = Process.Start(info)!;
        var started = new TaskCompletionSource();
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("Press Ctrl+C", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await child.WaitForExitAsync(timeout.Token);
        child.ExitCode.Should().Be(0);
    }
}
