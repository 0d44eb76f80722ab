using System.CommandLine;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Engine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Commands;

/// <summary>`scan`, `plan` and `fix`: the same run over the fleet, stopping after diagnose, plan, or going to the end.</summary>
public sealed class FleetCommand(CliServices services, RunOptions options, string name)
{
    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["scan"] = "Read-only: probe every VM in scope and diagnose Remote Desktop licensing.",
        ["plan"] = "Read-only: show, per VM, exactly what fix would change.",
        ["fix"] = "Snapshot the OS disk, repair licensing in-guest, restart if needed, and verify.",
    };

    public Command Build()
    {
        var command = new Command(name, Descriptions[name]);
        options.AddScanOptions(command);
        if (name != "scan")
        {
            options.AddFixOptions(command, withYes: name == "fix");
        }

        command.SetAction((result, ct) => ExecuteAsync(options.Bind(result, RunCommands.Parse(name)) with { Given = GivenOptions(result) }, ct));
        return command;
    }

    public async Task<int> ExecuteAsync(RunArguments args, CancellationToken cancellationToken)
    {
        var currentDirectory = services.Environment.CurrentDirectory;
        var resumePath = args.Execution.ResumePath is { } given ? Path.GetFullPath(given, currentDirectory) : null;
        var resume = resumePath is null ? ResumeState.None : ResumeState.From(JournalView.Open(resumePath));
        if (resume.Command is { } earlier && earlier != args.Command)
        {
            throw new UsageException(earlier == RunCommand.Rollback
                ? $"{OptionNames.Resume} '{args.Execution.ResumePath}' is the journal of a rollback run: run rollback again with {OptionNames.Journal} of the fix run it undid."
                : $"{OptionNames.Resume} '{args.Execution.ResumePath}' is the journal of a {earlier.Name()} run: resume it with 'azrdsfix {earlier.Name()} {OptionNames.Resume} {args.Execution.ResumePath}'.");
        }

        args = ResumeOptions.Apply(args, resume.Started);
        services.RequireSerialPassword(args.Execution);

        var runId = resume.RunId ?? RunIdentity.NewRunId(services.Time);
        var folder = RunFolder.Choose(currentDirectory, args.Output.OutDir, args.Execution.JournalPath, resumePath, runId);
        if (args.Fix is { Yes: false } && args.Command == RunCommand.Fix && !await Confirmation.AskAsync(
                services.IO,
                "fix",
                "fix will snapshot the OS disk of every VM it changes, change Remote Desktop licensing in-guest and may restart VMs."))
        {
            return ExitCodes.BadInput;
        }

        return await new EngineRun(services).ExecuteAsync(args, runId, folder, resumePath, RunWork.Fleet(resume), started => started, cancellationToken);
    }

    /// <summary>The options given on the command line, as opposed to defaulted: a resumed run takes the rest from its journal.</summary>
    private static HashSet<string> GivenOptions(ParseResult result)
        => result.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .Where(o => !o.Implicit)
            .Select(o => o.Option.Name)
            .ToHashSet(StringComparer.Ordinal);
}
