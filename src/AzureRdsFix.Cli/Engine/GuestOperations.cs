using System.Text.Json;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Engine;

/// <summary>The two in-guest scripts as journaled steps: run through the guest channel, parse the one output line, record it.</summary>
public sealed class GuestOperations(EnginePorts ports, StepRunner steps)
{
    public Task<ProbeFacts> ProbeAsync(VmRef vm, TriageFacts triage, string step, CancellationToken cancellationToken)
        => steps.RunAsync(
            vm,
            step,
            async ct => Parse<ProbeFacts>(await ports.Guest.RunAsync(vm, triage, GuestScripts.Probe(), ct), GuestScripts.ProbeKind, step),
            facts => JsonSerializer.SerializeToNode(facts),
            cancellationToken);

    public Task<RemediationResult> RemediateAsync(VmRef vm, TriageFacts triage, RemediationParameters parameters, CancellationToken cancellationToken)
        => steps.RunAsync(
            vm,
            Core.Journal.JournalSteps.Remediate,
            async ct => Parse<RemediationResult>(await ports.Guest.RunAsync(vm, triage, GuestScripts.Remediate(parameters), ct), GuestScripts.RemediationKind, Core.Journal.JournalSteps.Remediate),
            result => JsonSerializer.SerializeToNode(result),
            cancellationToken);

    private static T Parse<T>(GuestRunResult result, string kind, string step)
        where T : class
    {
        var parsed = GuestOutput.Parse<T>(result, kind);
        return parsed.Value ?? throw new StepFailedException(step, new AzureFailure(AzureErrorKind.Failed, parsed.Error!));
    }
}
