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
        if (args is ["--version"])
        {
            // The tool's assembly, not the host's: under `dotnet tool`, a test host or a single-file bundle alike.
            await services.IO.Out.WriteLineAsync(ToolVersion.Full);
            return ExitCodes.Success;
        }

        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command.Name;
            await services.IO.Error.WriteLineAsync($"azrdsfix: {OneSentence(parse.Errors[0])} (see 'azrdsfix {(command == "azrdsfix" ? string.Empty : command + " ")}--help').");
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

    /// <summary>
    /// A parse error as one line naming the option: System.CommandLine lists the choices of a multi-choice option one per
    /// line, which a pipeline log would show as several unrelated lines.
    /// </summary>
    private static string OneSentence(System.CommandLine.Parsing.ParseError error)
    {
        var lines = error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var text = lines.Length <= 1
            ? error.Message.Trim().TrimEnd('.')
            : $"{lines[0].Replace("Must be one of", string.Empty, StringComparison.Ordinal).TrimEnd(':', '.', ' ')}: expected one of {string.Join(", ", lines[1..].Select(l => l.Trim('\'', '.')))}";
        var option = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option.Name,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is not null && !text.Contains(option, StringComparison.Ordinal) ? $"{option}: {text}" : text;
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
