using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Engine;

/// <summary>Which channel ran a VM's in-guest steps; report.json and the journal say it by this name.</summary>
public enum GuestChannelKind { RunCommand, SerialConsole }

/// <summary>Builds a VM's report line; every path through the engine ends in exactly one of these per VM.</summary>
public static class VmResult
{
    public static VmReport For(VmRef vm, VmOutcome outcome, string reason, long durationMs, GuestChannelKind? channel = null, string? error = null) => new()
    {
        Id = vm.Id,
        Name = vm.Name,
        SubscriptionId = vm.SubscriptionId,
        ResourceGroup = vm.ResourceGroup,
        Location = vm.Location,
        Outcome = outcome,
        Reason = reason,
        Channel = channel?.ToString(),
        DurationMs = durationMs,
        Error = error,
    };
}
