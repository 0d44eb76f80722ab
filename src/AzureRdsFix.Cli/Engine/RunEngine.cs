using System.Collections.Concurrent;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Engine;

/// <summary>How the run went: the journal's fold (each VM's latest state, the totals) and what only this run knows.</summary>
public sealed record EngineResult(JournalView Journal, bool Cancelled, bool AuthFailedEverywhere);

/// <summary>
/// Streams discovery into a bounded set of workers (--max-parallel), one <see cref="VmPipeline"/> per VM. VMs the resumed
/// journal already finished are not touched again; their earlier report lines are carried over so every VM in scope
/// appears exactly once.
/// </summary>
public sealed class RunEngine(EnginePorts ports, RunArguments args, string runId, JournalWriter journal, IRunObserver observer, TimeProvider time, ResumeState resume)
{
    public async Task<EngineResult> RunAsync(CancellationToken cancellationToken)
    {
        var steps = new StepRunner(runId, journal, observer, time, args.Execution.StepTimeout);
        var fleet = new FleetLicenseServers([.. args.Fix?.LicenseServers ?? [], .. resume.FinishedHostsLicenseServers]);
        var pipeline = new VmPipeline(ports, args, runId, steps, time, fleet);
        var deferred = new ConcurrentQueue<DeferredVm>();
        var claimed = new ConcurrentDictionary<string, byte>(VmRef.IdComparer);
        var scopeErrors = new ConcurrentQueue<(ScopeError Error, AzureErrorKind Kind)>();
        var scope = new DiscoveryScope
        {
            Subscriptions = args.Scope.Subscriptions,
            ResourceGroups = args.Scope.ResourceGroups,
            Vms = args.Scope.Vms,
            Tags = args.Scope.Tags,
            Shard = args.Scope.Shard,
        };

        var cancelled = false;
        try
        {
            await Parallel.ForEachAsync(
                GuardedAsync(ports.Discovery.DiscoverAsync(scope, cancellationToken), cancellationToken),
                new ParallelOptions { MaxDegreeOfParallelism = args.Execution.MaxParallel, CancellationToken = cancellationToken },
                async (item, ct) =>
                {
                    switch (item)
                    {
                        case DiscoveryFailure failure:
                            scopeErrors.Enqueue((failure.Error, failure.Kind));
                            observer.ScopeFailed(failure.Error);
                            await journal.AppendAsync(new ScopeFailed { At = time.GetUtcNow(), RunId = runId, Error = failure.Error });
                            break;
                        case DiscoveredVm vm when !claimed.TryAdd(vm.Vm.Id, 0):
                            break; // listed twice (e.g. by name and by id): it is one VM, claimed before it is worked on
                        case DiscoveredVm vm:
                            observer.Discovered(vm.Vm);
                            // Finished before a resume: its report line is in the journal already, so nothing is redone.
                            var report = resume.Finals.TryGetValue(vm.Vm.Id, out var earlier)
                                ? VmResult.For(earlier.Vm, earlier.Outcome, "Finished before this run was resumed.", 0)
                                : await ProcessAsync(pipeline, vm, deferred, ct);
                            if (report is not null)
                            {
                                observer.Completed(report);
                            }

                            break;
                    }
                });

            // Every VM of the run is probed now: the licensing-role servers set aside learn whether a host uses them.
            await Parallel.ForEachAsync(
                deferred,
                new ParallelOptions { MaxDegreeOfParallelism = args.Execution.MaxParallel, CancellationToken = cancellationToken },
                async (vm, ct) => observer.Completed((await FinishAsync(vm.Item, deferred: null, ct2 => pipeline.ContinueAsync(vm, resume.Prior.GetValueOrDefault(vm.Item.Vm.Id), ct2), ct))!));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        if (cancelled)
        {
            // Set aside and never finished: each still gets its one report line, as any VM the cut found in flight.
            foreach (var vm in deferred)
            {
                if (resume.Finals.ContainsKey(vm.Item.Vm.Id) || journal.View().Fold.Vm(vm.Item.Vm.Id)?.ReportAt is not null)
                {
                    continue;
                }

                var report = VmResult.For(vm.Item.Vm, VmOutcome.Failed, "The run was cancelled before this VM finished; resume the run to finish it.", 0, error: "cancelled");
                await journal.AppendAsync(new VmFinished { At = time.GetUtcNow(), RunId = runId, VmId = vm.Item.Vm.Id, Final = false, Report = report });
                observer.Completed(report);
            }
        }

        var authEverywhere = claimed.IsEmpty && !scopeErrors.IsEmpty && scopeErrors.All(e => e.Kind is AzureErrorKind.Auth or AzureErrorKind.Connection);

        // The journal's fold (earlier attempts' records included) holds every VM's latest state; the reports stay on
        // disk until the writers read them.
        return new EngineResult(journal.View(), cancelled, authEverywhere);
    }

    /// <summary>Discovery reports its own scope failures; anything it still throws ends discovery as one scope error, never the run.</summary>
    private static async IAsyncEnumerable<DiscoveryItem> GuardedAsync(IAsyncEnumerable<DiscoveryItem> items, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = items.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            DiscoveryItem? next;
            var last = false;
            try
            {
                next = await enumerator.MoveNextAsync() ? enumerator.Current : null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failure = AzureErrors.Translate(ex, "discover the VMs in scope");
                next = new DiscoveryFailure(new ScopeError("discovery", failure.Message), failure.Kind);
                last = true;
            }

            if (next is null)
            {
                yield break;
            }

            yield return next;
            if (last)
            {
                yield break;
            }
        }
    }

    private async Task<VmReport?> ProcessAsync(VmPipeline pipeline, DiscoveredVm vm, ConcurrentQueue<DeferredVm> deferred, CancellationToken cancellationToken)
    {
        await journal.AppendAsync(new VmDiscovered { At = time.GetUtcNow(), RunId = runId, Vm = vm.Vm });
        return await FinishAsync(vm, deferred, ct => pipeline.ProcessAsync(vm, resume.Prior.GetValueOrDefault(vm.Vm.Id), ct), cancellationToken);
    }

    /// <summary>Runs the VM's pipeline and journals its report line; null when the pipeline set the VM aside (deferred).</summary>
    private async Task<VmReport?> FinishAsync(DiscoveredVm vm, ConcurrentQueue<DeferredVm>? deferred, Func<CancellationToken, Task<PipelineResult>> process, CancellationToken cancellationToken)
    {
        VmReport report;
        bool final;
        try
        {
            var result = await process(cancellationToken);
            if (result.Deferred is { } later && deferred is not null)
            {
                deferred.Enqueue(later);
                return null;
            }

            (report, final) = (result.Report, result.Final);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report = VmResult.For(vm.Vm, VmOutcome.Failed, "The run was cancelled before this VM finished; resume the run to finish it.", 0, error: "cancelled");
            final = false;
        }

        await journal.AppendAsync(new VmFinished { At = time.GetUtcNow(), RunId = runId, VmId = vm.Vm.Id, Final = final, Report = report });
        return report;
    }
}
