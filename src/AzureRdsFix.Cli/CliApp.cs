using System.CommandLine;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Commands;
using AzureRdsFix.Cli.Hosting;

namespace AzureRdsFix.Cli;

/// <summary>The composition root: builds the command tree over injected services and turns every failure into an exit code.</summary>
public sealed class CliApp(CliServices services)
{
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command.Name;
            await services.IO.Error.WriteLineAsync($"azrdsfix: {parse.Errors[0].Message.TrimEnd('.')}. See 'azrdsfix {(command == "azrdsfix" ? string.Empty : command + " ")}--help'.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = services.IO.Out, Error = services.IO.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (UsageException ex)
        {
            await services.IO.Error.WriteLineAsync($"azrdsfix: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await services.IO.Error.WriteLineAsync("azrdsfix: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (ToolFailureException ex)
        {
            await services.IO.Error.WriteLineAsync($"azrdsfix: {ex.Message}");
            return ExitCodes.ToolFailure;
        }
    }

    private RootCommand BuildRoot()
    {
        var options = new RunOptions();
        var root = new RootCommand("azrdsfix: find and repair Azure Windows VMs that refuse RDP because Remote Desktop has no license server.");
        root.Subcommands.Add(new FleetCommand(services, options, "scan").Build());
        root.Subcommands.Add(new FleetCommand(services, options, "plan").Build());
        root.Subcommands.Add(new FleetCommand(services, options, "fix").Build());
        root.Subcommands.Add(new RollbackCommand(services, options).Build());
        root.Subcommands.Add(new ReportCommand(services, options).Build());
        root.Subcommands.Add(new RulesCommand(services).Build());
        root.Subcommands.Add(new DemoCommand(services).Build());
        root.Subcommands.Add(new SimulateCommand(services).Build());
        return root;
    }
}

/// <summary>Authentication, authorization or another failure of the tool itself (exit 3), with one sentence for the operator.</summary>
public sealed class ToolFailureException(string message, Exception? inner = null) : Exception(message, inner);
