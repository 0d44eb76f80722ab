using System.Text.Json;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.SerialConsole;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// The two in-guest scripts as journaled steps: run through the guest channel, parse the one output line, record it.
/// Over the serial console the same steps run the channel's command set instead and record the same result types.
/// </summary>
public sealed class GuestOperations(EnginePorts ports, StepRunner steps)
{
    public Task<ProbeFacts> ProbeAsync(VmRef vm, TriageFacts triage, JournalStep step, CancellationToken cancellationToken, bool serial = false)
        => steps.RunAsync(
            vm,
            step,
            async ct => serial
                ? await OverSerialAsync(step, () => ports.Serial!.ProbeAsync(vm, triage, ct))
                : Parse<ProbeFacts>(await ports.Guest.RunAsync(vm, triage, GuestScripts.Probe(), ct), GuestScripts.ProbeKind, step),
            facts => JsonSerializer.SerializeToNode(facts),
            cancellationToken);

    public Task<RemediationResult> RemediateAsync(VmRef vm, TriageFacts triage, RemediationParameters parameters, CancellationToken cancellationToken, bool serial = false)
        => steps.RunAsync(
            vm,
            JournalStep.Remediate,
            async ct => serial
                ? await OverSerialAsync(JournalStep.Remediate, () => ports.Serial!.RemediateAsync(vm, triage, parameters, ct))
                : Parse<RemediationResult>(await ports.Guest.RunAsync(vm, triage, GuestScripts.Remediate(parameters), ct), GuestScripts.RemediationKind, JournalStep.Remediate),
            result => JsonSerializer.SerializeToNode(result),
            cancellationToken);

    private static T Parse<T>(GuestRunResult result, string kind, JournalStep step)
        where T : class
    {
        var parsed = GuestOutput.Parse<T>(result, kind);
        return parsed.Value ?? throw new StepFailedException(step, new AzureFailure(AzureErrorKind.Failed, parsed.Error!));
    }

    /// <summary>
    /// A refusal (console disabled, boot diagnostics off, no permission, login refused) leaves the VM Unreachable with the
    /// channel's own sentence; a session that broke is Failed. ARM errors keep their one translation.
    /// </summary>
    private static async Task<T> OverSerialAsync<T>(JournalStep step, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (SerialConsoleException e)
        {
            var message = char.ToUpperInvariant(e.Message[0]) + e.Message[1..];
            throw e.Failure is SerialFailure.Refused or SerialFailure.LoginFailed
                ? new StepFailedException(step, new AzureFailure(AzureErrorKind.Unreachable, message + "."), e)
                : new StepFailedException(step, new AzureFailure(AzureErrorKind.Failed, $"The serial console session failed: {e.Message}."), e);
        }
        catch (global::Azure.RequestFailedException e)
        {
            throw new StepFailedException(step, AzureErrors.Translate(e, "open the serial console"), e);
        }
    }
}
