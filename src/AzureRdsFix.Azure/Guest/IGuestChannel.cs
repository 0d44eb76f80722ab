using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Guest;

/// <summary>
/// Runs one in-guest script and brings back its raw stdout/stderr. Run Command is one implementation; a serial-console
/// channel can be another. A channel refuses (<see cref="Errors.GuestChannelRefusedException"/>) a VM whose triage
/// says it cannot run the script, before any Azure call.
/// </summary>
public interface IGuestChannel
{
    /// <summary>The channel name written to reports ("RunCommand", "SerialConsole").</summary>
    string Name { get; }

    Task<GuestRunResult> RunAsync(VmRef vm, TriageFacts triage, GuestScriptRequest request, CancellationToken cancellationToken);
}
