using System.CommandLine;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Engine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Commands;

/// <summary>
/// `azrdsfix rollback --journal PATH`: the engine's rollback mode. Its VMs are those the fix journal changed; each gets
/// its before-values put back (<see cref="VmPipeline.RollBackAsync"/>) with the fix's parallelism, step timeouts and
/// channel choice, and the run ends in the same report and journal as any other.
/// </summary>
public sealed class RollbackCommand(CliServices services, RunOptions options)
{
    /// <summary>rollback verifies against the recorded before-values, not the rules: the grace-period warning does not apply.</summary>
    private const int WarnDays = 14;

    private readonly Option<string> _journal = new(OptionNames.Journal) { Description = "The journal.jsonl of the fix run to roll back.", Required = true };
    private readonly Option<bool> _yes = new(OptionNames.Yes) { Description = "Do not ask for confirmation (required without a terminal)." };

    public Command Build()
    {
        var command = new Command("rollback", "Put back the before-values a fix recorded in its journal, restart as needed, and verify.");
        command.Options.Add(_journal);
        options.AddConnectionOptions(command);
        options.AddGuestOptions(command);
        options.AddOutputOptions(command);
        command.Options.Add(_yes);
        command.SetAction((result, ct) => ExecuteAsync(
            result.GetValue(_journal)!,
            new RunArguments(
                RunCommand.Rollback,
                new ScopeArguments([], [], [], [], null),
                options.BindConnection(result),
                options.BindExecution(result),
                options.BindOutput(result),
                WarnDays,
                Fix: null),
            result.GetValue(_yes),
            ct));
        return command;
    }

    private async Task<int> ExecuteAsync(string journalPath, RunArguments args, bool yes, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(journalPath, services.Environment.CurrentDirectory);
        var source = JournalView.Open(fullPath);
        if (source.Command != RunCommand.Fix)
        {
            throw new UsageException($"{OptionNames.Journal} '{journalPath}' is the journal of a {source.Command.Name()} run: rollback needs the journal of a fix run.");
        }

        services.RequireSerialPassword(args.Execution);
        var targets = source.Vms().Where(v => v.Remediation?.Changes.Any(c => c.Changed) == true).ToArray();
        if (!yes && !await Confirmation.AskAsync(services.IO, "rollback", $"rollback will put back the recorded before-values on {targets.Length} VM(s) and may restart them."))
        {
            return ExitCodes.BadInput;
        }

        var runId = RunIdentity.NewRunId(services.Time);
        var folder = RunFolder.Choose(services.Environment.CurrentDirectory, args.Output.OutDir, journalArg: null, resumePath: null, runId);
        return await new EngineRun(services).ExecuteAsync(
            args,
            runId,
            folder,
            resumePath: null,
            RunWork.Rollback(targets),
            started => started with { Scope = new RecordedScope(), WarnDays = null, RollbackOf = source.RunId, RollbackJournal = fullPath },
            cancellationToken);
    }
}
