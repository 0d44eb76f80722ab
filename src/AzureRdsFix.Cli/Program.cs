using AzureRdsFix.Cli.Hosting;

#pragma warning disable RS0030 // The composition root is the one place that touches the real console and environment.

namespace AzureRdsFix.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var io = new IOContext(Console.In, Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsInputRedirected);
        var services = new CliServices(io, new ProcessEnvironment(), TimeProvider.System);
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C: stop starting steps, record what is in flight, flush the journal. A second one kills.
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };

        // A pipeline cancel or `docker stop` sends SIGTERM: stop the same way as on Ctrl+C (journal flushed, exit 130).
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        return await new CliApp(services).RunAsync(args, cancellation.Token);
    }

    private sealed class ProcessEnvironment : ICliEnvironment
    {
        public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

        public string CurrentDirectory => Environment.CurrentDirectory;
    }
}
