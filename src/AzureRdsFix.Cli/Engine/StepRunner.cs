using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// Runs one step of one VM: journals "started" before it and the result after it, applies the step timeout, and turns
/// any failure into a <see cref="StepFailedException"/> with one sentence for the operator.
/// </summary>
public sealed class StepRunner(string runId, JournalWriter journal, IRunObserver observer, TimeProvider time, TimeSpan stepTimeout)
{
    /// <summary>
    /// Steps a resource group refused (401/403): the other VMs of that resource group are not sent the same call again.
    /// Keyed by resource group, not subscription: Azure RBAC roles are often assigned per resource group, so a refusal in
    /// one says nothing about the next (Learn: "Understand scope for Azure RBAC").
    /// </summary>
    private readonly ConcurrentDictionary<(string Subscription, string ResourceGroup, JournalStep Step), AzureFailure> _refused = new();

    public async Task<T> RunAsync<T>(VmRef vm, JournalStep step, Func<CancellationToken, Task<T>> action, Func<T, JsonNode?> describe, CancellationToken cancellationToken)
    {
        observer.StepStarted(vm, step);
        if (_refused.TryGetValue(RefusalKey(vm, step), out var refused))
        {
            var again = refused with { Message = $"{refused.Message} (not sent: resource group {vm.ResourceGroup} already refused the {step.Name()} step in this run)" };
            await journal.AppendAsync(Finished(vm, step, StepStatus.Failed) with { Message = again.Message, ErrorKind = again.Kind.ToString() });
            throw new StepFailedException(step, again);
        }

        await journal.AppendAsync(new StepStarted { At = time.GetUtcNow(), RunId = runId, VmId = vm.Id, Step = step });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(stepTimeout);
        try
        {
            var result = await action(timeout.Token);
            await journal.AppendAsync(Succeeded(vm, step, result, describe));
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await journal.AppendAsync(Finished(vm, step, StepStatus.Cancelled) with { Message = "The run was cancelled while this step was in flight." });
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            var failure = new AzureFailure(AzureErrorKind.Failed, $"The {step.Name()} step did not finish within {Format(stepTimeout)} (--step-timeout).");
            await journal.AppendAsync(Finished(vm, step, StepStatus.Failed) with { Message = failure.Message, ErrorKind = failure.Kind.ToString() });
            throw new StepFailedException(step, failure, ex);
        }
        catch (StepFailedException ex)
        {
            await journal.AppendAsync(Finished(vm, step, StepStatus.Failed) with { Message = ex.Message, ErrorKind = ex.Failure.Kind.ToString() });
            throw;
        }
        catch (Exception ex)
        {
            var failure = AzureErrors.Translate(ex, Action(step));
            if (failure.Kind == AzureErrorKind.Auth)
            {
                _refused.TryAdd(RefusalKey(vm, step), failure);
            }

            await journal.AppendAsync(Finished(vm, step, StepStatus.Failed) with { Message = failure.Message, ErrorKind = failure.Kind.ToString() });
            throw new StepFailedException(step, failure, ex);
        }
    }

    /// <summary>A step the engine did itself (diagnose, plan), recorded with what it found.</summary>
    public Task RecordAsync(VmRef vm, JournalStep step, StepStatus status, JsonNode? data)
    {
        var record = Finished(vm, step, status) with { Detail = data };
        if (step == JournalStep.Plan && data?["changes"] is JsonArray changes)
        {
            // The plan's before-values: what rollback puts back if the remediation's own result is never recorded.
            record = record with { Changes = changes.Deserialize<SettingChange[]>() };
        }

        return journal.AppendAsync(record);
    }

    /// <summary>The typed record of a succeeded step: what a later reader (the fold) needs, and the rest as evidence.</summary>
    private StepFinished Succeeded<T>(VmRef vm, JournalStep step, T result, Func<T, JsonNode?> describe)
    {
        var record = Finished(vm, step, StepStatus.Succeeded);
        return result switch
        {
            SnapshotInfo snapshot => record with { Snapshot = snapshot },
            RemediationResult remediation => record with { Remediation = JournalView.ToRecord(remediation) },
            TriageFacts triage => record with { Triage = triage },
            _ => record with { Detail = describe(result) },
        };
    }

    private StepFinished Finished(VmRef vm, JournalStep step, StepStatus status)
        => new() { At = time.GetUtcNow(), RunId = runId, VmId = vm.Id, Step = step, Status = status };

    private static (string, string, JournalStep) RefusalKey(VmRef vm, JournalStep step) =>
        (vm.SubscriptionId.ToLowerInvariant(), vm.ResourceGroup.ToLowerInvariant(), step);

    private static string Action(JournalStep step) => step switch
    {
        JournalStep.Triage => "read the VM's instance view",
        JournalStep.Probe or JournalStep.Verify => "run the probe script through Run Command",
        JournalStep.Snapshot => "snapshot the OS disk",
        JournalStep.Remediate => "run the remediation script through Run Command",
        JournalStep.Restart => "restart the VM",
        _ => step.Name(),
    };

    private static string Format(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0
        ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalSeconds:0} s";
}
