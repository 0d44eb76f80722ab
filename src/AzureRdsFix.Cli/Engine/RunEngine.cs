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
/// What a run works on: the VMs discovery streams, with what a resumed journal says of them (scan, plan, fix), or the
/// VMs a fix journal changed (rollback).
/// </summary>
public sealed record RunWork(ResumeState Resume, IReadOnlyList<JournaledVm>? RollbackTargets = null)
{
    public static RunWork Fleet(ResumeState resume) => new(resume);

    public static RunWork Rollback(IReadOnlyList<JournaledVm> targets) => new(ResumeState.None, targets);
}

/// <summary>
/// Streams the run's work into a bounded set of workers (--max-parallel), one <see cref="VmPipeline"/> per VM: the VMs
/// discovery finds, or (rollback) the VMs the fix journal changed. VMs the resumed journal already finished are not
/// touched again; their earlier report lines are carried over so every VM in scope appears exactly once.
/// </summary>
public sealed class RunEngine(EnginePorts ports, RunArguments args, string runId, JournalWriter journal, IRunObserver observer, TimeProvider time, RunWork work)
{
    private ResumeState Resume => work.Resume;

    public async Task<EngineResult> RunAsync(CancellationToken cancellationToken)
    {
        var steps = new StepRunner(runId, journal, observer, time, args.Execution.StepTimeout);
        var fleet = new FleetLicenseServers([.. args.Fix?.LicenseServers ?? [], .. Resume.FinishedHostsLicenseServers]);
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
                work.RollbackTargets is { } targets
                    ? targets.Select(t => (DiscoveryItem)new JournaledItem(t)).ToAsyncEnumerable()
                    : GuardedAsync(ports.Discovery.DiscoverAsync(scope, cancellationToken), cancellationToken),
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
                            var report = Resume.Finals.TryGetValue(vm.Vm.Id, out var earlier)
                                ? VmResult.For(earlier.Vm, earlier.Outcome, "Finished before this run was resumed.", 0)
                                : await ProcessAsync(vm.Vm, deferred, c => pipeline.ProcessAsync(vm, Resume.Prior.GetValueOrDefault(vm.Vm.Id), c), ct);
                            if (report is not null)
                            {
                                observer.Completed(report);
                            }

                            break;
                        case JournaledItem target:
                            observer.Discovered(target.Target.Vm);
                            observer.Completed((await ProcessAsync(target.Target.Vm, deferred: null, c => pipeline.RollBackAsync(target.Target, c), ct))!);
                            break;
                    }
                });

            // Every VM of the run is probed now: the licensing-role servers set aside learn whether a host uses them.
            await Parallel.ForEachAsync(
                deferred,
                new ParallelOptions { MaxDegreeOfParallelism = args.Execution.MaxParallel, CancellationToken = cancellationToken },
                async (vm, ct) => observer.Completed((await FinishAsync(vm.Item.Vm, deferred: null, ct2 => pipeline.ContinueAsync(vm, Resume.Prior.GetValueOrDefault(vm.Item.Vm.Id), ct2), ct))!));
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
                if (Resume.Finals.ContainsKey(vm.Item.Vm.Id) || journal.View().Fold.Vm(vm.Item.Vm.Id)?.ReportAt is not null)
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

    private async Task<VmReport?> ProcessAsync(VmRef vm, ConcurrentQueue<DeferredVm>? deferred, Func<CancellationToken, Task<PipelineResult>> process, CancellationToken cancellationToken)
    {
        await journal.AppendAsync(new VmDiscovered { At = time.GetUtcNow(), RunId = runId, Vm = vm });
        return await FinishAsync(vm, deferred, process, cancellationToken);
    }

    /// <summary>Runs the VM's pipeline (or rollback) and journals its report line; null when the pipeline set the VM aside (deferred).</summary>
    private async Task<VmReport?> FinishAsync(VmRef vm, ConcurrentQueue<DeferredVm>? deferred, Func<CancellationToken, Task<PipelineResult>> process, CancellationToken cancellationToken)
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
            var again = work.RollbackTargets is null ? "resume the run to finish it" : "run the rollback again to finish it";
            report = VmResult.For(vm, VmOutcome.Failed, $"The run was cancelled before this VM finished; {again}.", 0, error: "cancelled");
            final = false;
        }

        await journal.AppendAsync(new VmFinished { At = time.GetUtcNow(), RunId = runId, VmId = vm.Id, Final = final, Report = report });
        return report;
    }

    /// <summary>A rollback's work item: a VM the fix journal changed, taken from its fold instead of from discovery.</summary>
    private sealed record JournaledItem(JournaledVm Target) : DiscoveryItem;
}
