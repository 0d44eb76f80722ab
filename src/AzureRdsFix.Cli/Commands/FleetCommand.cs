using System.CommandLine;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Azure.SerialConsole;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Engine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Reporting;

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

        command.SetAction((result, ct) => ExecuteAsync(options.Bind(result, name) with { Given = GivenOptions(result) }, ct));
        return command;
    }

    public async Task<int> ExecuteAsync(RunArguments args, CancellationToken cancellationToken)
    {
        var currentDirectory = services.Environment.CurrentDirectory;
        var resumePath = args.Execution.ResumePath is { } given ? Path.GetFullPath(given, currentDirectory) : null;
        var resume = resumePath is null ? ResumeState.None : ResumeState.From(JournalView.Open(resumePath));
        if (resume.Command is { } earlier && earlier.Name() != args.Command)
        {
            throw new UsageException(earlier == RunCommand.Rollback
                ? $"{OptionNames.Resume} '{args.Execution.ResumePath}' is the journal of a rollback run: run rollback again with {OptionNames.Journal} of the fix run it undid."
                : $"{OptionNames.Resume} '{args.Execution.ResumePath}' is the journal of a {earlier.Name()} run: resume it with 'azrdsfix {earlier.Name()} {OptionNames.Resume} {args.Execution.ResumePath}'.");
        }

        args = ResumeOptions.Apply(args, resume.Started);
        if (args.Execution.SerialUser is not null && string.IsNullOrEmpty(services.Environment.GetVariable(OptionNames.SerialPasswordVariable)))
        {
            throw new UsageException($"{OptionNames.SerialUser} needs the account's password in the environment variable {OptionNames.SerialPasswordVariable}, which is not set.");
        }

        var runId = resume.RunId ?? RunIdentity.NewRunId(services.Time);
        var folder = RunFolder.Choose(currentDirectory, args.Output.OutDir, args.Execution.JournalPath, resumePath, runId);
        var outDir = folder.OutDir;
        if (args.Fix is { Yes: false } && args.Command == "fix" && !await Confirmation.AskAsync(
                services.IO,
                "fix",
                "fix will snapshot the OS disk of every VM it changes, change Remote Desktop licensing in-guest and may restart VMs."))
        {
            return ExitCodes.BadInput;
        }

        // No single HTTP wait outlasts a step: a hung endpoint ends the run within --step-timeout.
        var connectionOptions = ArmConnection.Options(services, args.Connection);
        if (args.Execution.StepTimeout < connectionOptions.NetworkTimeout)
        {
            connectionOptions = connectionOptions with { NetworkTimeout = args.Execution.StepTimeout };
        }

        // An endpoint that refuses or never answers ends the run at once, as one scope error: the journal and report are
        // still written (a pipeline's merge finds the shard), and the run exits 3 with that one sentence.
        ConnectionOptions connection;
        string? unreachable = null;
        try
        {
            connection = await ArmConnection.PrepareAsync(services, connectionOptions, cancellationToken);
        }
        catch (ToolFailureException ex) when (ex.InnerException is AzureConnectionException)
        {
            connection = connectionOptions;
            unreachable = ex.Message;
        }

        // A token that expires mid-run stops the run (exit 3, one sentence) instead of failing every remaining call.
        var expiry = new AccessTokenExpiry();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.OnExpired(_ => stop.CancelAsync());
        var client = ArmConnection.Create(services, connection, expiry);
        cancellationToken = stop.Token;

        var startedAt = services.Time.GetUtcNow();
        folder.SeedFrom(resumePath, currentDirectory);
        await using var journal = new JournalWriter(folder.JournalPath);
        await journal.AppendAsync(RunStartedRecord(args, connection, runId, startedAt));

        var console = ConsoleFactory.For(services.IO);
        var ports = services.CreatePorts(client, connection, arm => SerialChannel(arm, args, connection));
        EngineResult result;
        if (unreachable is not null)
        {
            var error = new ScopeError($"ARM endpoint {connection.ResolvedEndpoint}", unreachable);
            await journal.AppendAsync(new ScopeFailed { At = services.Time.GetUtcNow(), RunId = runId, Error = error });
            if (!args.Output.Quiet && !services.IO.OutputIsTerminal)
            {
                new PlainProgress(services.IO.Out).ScopeFailed(error);
            }

            result = new EngineResult(journal.View(), Cancelled: false, AuthFailedEverywhere: true);
        }
        else if (args.Output.Quiet)
        {
            result = await new RunEngine(ports, args, runId, journal, new SilentProgress(), services.Time, resume).RunAsync(cancellationToken);
        }
        else if (services.IO.OutputIsTerminal)
        {
            var live = new LiveProgress(console);
            result = await live.RunAsync(() => new RunEngine(ports, args, runId, journal, live, services.Time, resume).RunAsync(cancellationToken));
        }
        else
        {
            result = await new RunEngine(ports, args, runId, journal, new PlainProgress(services.IO.Out), services.Time, resume).RunAsync(cancellationToken);
        }

        using var reports = result.Journal.Reports(services.ReportLineRead);
        var report = RunOutput.Report(result.Journal, reports, args.Command, startedAt, services.Time.GetUtcNow());
        return await RunOutput.FinishAsync(services, report, args.Output, outDir, journal, result.Cancelled, result.AuthFailedEverywhere, expiry.Message);
    }

    /// <summary>
    /// The serial console channel when an account was given (password only from the environment, never from the command
    /// line, never kept anywhere else); null otherwise, and the channel is then never tried.
    /// </summary>
    private SerialConsoleGuestChannel? SerialChannel(global::Azure.ResourceManager.ArmClient client, RunArguments args, ConnectionOptions connection)
    {
        if (args.Execution.SerialUser is not { } user)
        {
            return null;
        }

        // Checked non-empty before the run started.
        var password = services.Environment.GetVariable(OptionNames.SerialPasswordVariable)!;
        var credential = ArmClientFactory.CreateCredential(connection, services.Environment.GetVariable);
        var scope = ArmClientFactory.CreateClientOptions(connection).Environment!.Value.DefaultScope;
        return new SerialConsoleGuestChannel(
            client,
            new WebSocketSerialConnector(credential, scope, services.PinnedCertificate),
            new SerialCredentials(user, args.Execution.SerialDomain, password),
            services.SerialConsole,
            services.Time);
    }

    /// <summary>The options given on the command line, as opposed to defaulted: a resumed run takes the rest from its journal.</summary>
    private static HashSet<string> GivenOptions(ParseResult result)
        => result.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .Where(o => !o.Implicit)
            .Select(o => o.Option.Name)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The run's options as the journal keeps them: what was asked, never a credential.</summary>
    private static RunStarted RunStartedRecord(RunArguments args, ConnectionOptions connection, string runId, DateTimeOffset at) => new()
    {
        At = at,
        RunId = runId,
        Command = RunCommands.Parse(args.Command),
        ToolVersion = ToolVersion.Current,
        Scope = new RecordedScope
        {
            Subscriptions = args.Scope.Subscriptions,
            ResourceGroups = args.Scope.ResourceGroups,
            Vms = args.Scope.Vms,
            Tags = [.. args.Scope.Tags.Select(t => $"{t.Key}={t.Value}")],
            Shard = args.Scope.Shard?.ToString(),
        },
        Fix = args.Fix is not { } fix ? null : new RecordedFix
        {
            LicenseServers = fix.LicenseServers,
            LicensingMode = fix.LicensingMode,
            RemoveRdsh = fix.RemoveRdsh,
            RemoveLicensingRole = fix.RemoveLicensingRole,
            Restart = fix.Restart.ToString().ToLowerInvariant(),
        },
        Connection = new RecordedConnection
        {
            Cloud = args.Connection.Cloud,
            ArmEndpoint = args.Connection.ArmEndpoint?.ToString(),
            ResolvedEndpoint = connection.ResolvedEndpoint.ToString(),
            Auth = args.Connection.Auth,
            Tenant = args.Connection.Tenant,
        },
        MaxParallel = args.Execution.MaxParallel,
        WarnDays = args.WarnDays,
        Channel = args.Execution.Channel,
        SerialUser = args.Execution.SerialUser,
        SerialDomain = args.Execution.SerialDomain,
    };
}
