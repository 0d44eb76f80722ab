using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Engine;
using AzureRdsFix.Cli.Hosting;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;

namespace AzureRdsFix.Cli.Commands;

/// <summary>
/// One run of the engine, whatever its work (discovery for scan, plan and fix; a fix journal for rollback): the
/// connection, the journal's first record, the progress, the engine and the outputs, the same for every command.
/// </summary>
public sealed class EngineRun(CliServices services)
{
    /// <param name="record">The run-started record as the command keeps it, given the resolved connection and start time.</param>
    public async Task<int> ExecuteAsync(RunArguments args, string runId, RunFolder folder, string? resumePath, RunWork work, Func<RunStarted, RunStarted> record, CancellationToken cancellationToken)
    {
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
        folder.SeedFrom(resumePath, services.Environment.CurrentDirectory);
        await using var journal = new JournalWriter(folder.JournalPath);
        await journal.AppendAsync(record(RunStartedRecord(args, connection, runId, startedAt)));

        var ports = services.CreatePorts(client, connection, args.Execution);
        RunEngine Engine(IRunObserver observer) => new(ports, args, runId, journal, observer, services.Time, work);
        EngineResult result;
        if (unreachable is not null)
        {
            var error = new Core.Reporting.ScopeError($"ARM endpoint {connection.ResolvedEndpoint}", unreachable);
            await journal.AppendAsync(new ScopeFailed { At = services.Time.GetUtcNow(), RunId = runId, Error = error });
            if (!args.Output.Quiet && !services.IO.OutputIsTerminal)
            {
                new PlainProgress(services.IO.Out).ScopeFailed(error);
            }

            result = new EngineResult(journal.View(), Cancelled: false, AuthFailedEverywhere: true);
        }
        else if (args.Output.Quiet)
        {
            result = await Engine(new SilentProgress()).RunAsync(cancellationToken);
        }
        else if (services.IO.OutputIsTerminal)
        {
            var live = new LiveProgress(ConsoleFactory.For(services.IO));
            result = await live.RunAsync(() => Engine(live).RunAsync(cancellationToken));
        }
        else
        {
            result = await Engine(new PlainProgress(services.IO.Out)).RunAsync(cancellationToken);
        }

        using var reports = result.Journal.Reports(services.ReportLineRead);
        var report = RunOutput.Report(result.Journal, reports, args.Command.Name(), startedAt, services.Time.GetUtcNow());
        return await RunOutput.FinishAsync(services, report, args.Output, folder.OutDir, journal, result.Cancelled, result.AuthFailedEverywhere, expiry.Message);
    }

    /// <summary>The run's options as the journal keeps them: what was asked, never a credential.</summary>
    private static RunStarted RunStartedRecord(RunArguments args, ConnectionOptions connection, string runId, DateTimeOffset at) => new()
    {
        At = at,
        RunId = runId,
        Command = args.Command,
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
            Auth = args.Connection.Auth.Name(),
            Tenant = args.Connection.Tenant,
        },
        MaxParallel = args.Execution.MaxParallel,
        WarnDays = args.WarnDays,
        Channel = args.Execution.Channel.Name(),
        SerialUser = args.Execution.SerialUser,
        SerialDomain = args.Execution.SerialDomain,
    };
}
