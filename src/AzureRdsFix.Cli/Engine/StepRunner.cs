using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Cli.Journal;
using AzureRdsFix.Cli.Output;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;

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
    private readonly ConcurrentDictionary<(string Subscription, string ResourceGroup, string Step), AzureFailure> _refused = new();

    public async Task<T> RunAsync<T>(VmRef vm, string step, Func<CancellationToken, Task<T>> action, Func<T, JsonNode?> describe, CancellationToken cancellationToken)
    {
        observer.StepStarted(vm, step);
        if (_refused.TryGetValue(RefusalKey(vm, step), out var refused))
        {
            var again = refused with { Message = $"{refused.Message} (not sent: resource group {vm.ResourceGroup} already refused the {step} step in this run)" };
            await RecordAsync(vm, step, StepStatus.Failed, new JsonObject { ["message"] = again.Message, ["kind"] = again.Kind.ToString() });
            throw new StepFailedException(step, again);
        }

        await RecordAsync(vm, step, StepStatus.Started, null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(stepTimeout);
        try
        {
            var result = await action(timeout.Token);
            await RecordAsync(vm, step, StepStatus.Succeeded, describe(result));
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await RecordAsync(vm, step, StepStatus.Cancelled, new JsonObject { ["message"] = "The run was cancelled while this step was in flight." });
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            var failure = new AzureFailure(AzureErrorKind.Failed, $"The {step} step did not finish within {Format(stepTimeout)} (--step-timeout).");
            await RecordAsync(vm, step, StepStatus.Failed, new JsonObject { ["message"] = failure.Message });
            throw new StepFailedException(step, failure, ex);
        }
        catch (StepFailedException ex)
        {
            await RecordAsync(vm, step, StepStatus.Failed, new JsonObject { ["message"] = ex.Message });
            throw;
        }
        catch (Exception ex)
        {
            var failure = AzureErrors.Translate(ex, Action(step));
            if (failure.Kind == AzureErrorKind.Auth)
            {
                _refused.TryAdd(RefusalKey(vm, step), failure);
            }

            await RecordAsync(vm, step, StepStatus.Failed, new JsonObject { ["message"] = failure.Message, ["kind"] = failure.Kind.ToString() });
            throw new StepFailedException(step, failure, ex);
        }
    }

    public Task RecordAsync(VmRef vm, string step, string status, JsonNode? data) => journal.AppendAsync(new JournalEntry
    {
        At = time.GetUtcNow(),
        Type = JournalTypes.Step,
        RunId = runId,
        VmId = vm.Id,
        Step = step,
        Status = status,
        Data = data,
    });

    private static (string, string, string) RefusalKey(VmRef vm, string step) =>
        (vm.SubscriptionId.ToLowerInvariant(), vm.ResourceGroup.ToLowerInvariant(), step);

    private static string Action(string step) => step switch
    {
        JournalSteps.Triage => "read the VM's instance view",
        JournalSteps.Probe or JournalSteps.Verify => "run the probe script through Run Command",
        JournalSteps.Snapshot => "snapshot the OS disk",
        JournalSteps.Remediate => "run the remediation script through Run Command",
        JournalSteps.Restart => "restart the VM",
        _ => step,
    };

    private static string Format(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0
        ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalSeconds:0} s";
}
