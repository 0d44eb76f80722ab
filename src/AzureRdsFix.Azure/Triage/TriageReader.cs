using Azure.ResourceManager.Compute.Models;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Triage;

/// <summary>Instance view → <see cref="TriageFacts"/>. Statuses are found by code prefix, never by position.</summary>
public static class TriageReader
{
    private const string PowerStatePrefix = "PowerState/";

    public static TriageFacts Read(OsKind os, VirtualMachineInstanceView? instanceView) =>
        new(os, ReadPower(instanceView), ReadAgent(instanceView), instanceView?.OSName) { AgentStatusTime = ReadAgentTime(instanceView) };

    /// <summary>The time of the agent's Ready status (instance view vmAgent.statuses[].time), if it has one.</summary>
    public static DateTimeOffset? ReadAgentTime(VirtualMachineInstanceView? instanceView) =>
        instanceView?.VmAgent?.Statuses
            .Where(s => string.Equals(s.DisplayStatus, "Ready", StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Time)
            .Max();

    public static PowerState ReadPower(VirtualMachineInstanceView? instanceView)
    {
        var code = instanceView?.Statuses
            .Select(s => s.Code)
            .FirstOrDefault(c => c?.StartsWith(PowerStatePrefix, StringComparison.OrdinalIgnoreCase) == true);
        return code?[PowerStatePrefix.Length..].ToLowerInvariant() switch
        {
            "running" => PowerState.Running,
            "starting" => PowerState.Starting,
            "stopping" => PowerState.Stopping,
            "stopped" => PowerState.Stopped,
            "deallocating" => PowerState.Deallocating,
            "deallocated" => PowerState.Deallocated,
            _ => PowerState.Unknown,
        };
    }

    /// <summary>Ready = a status "ProvisioningState/succeeded" shown as "Ready"; no vmAgent at all (deallocated) = Absent.</summary>
    public static AgentState ReadAgent(VirtualMachineInstanceView? instanceView)
    {
        var agent = instanceView?.VmAgent;
        if (agent is null)
        {
            return AgentState.Absent;
        }

        var ready = agent.Statuses.Any(s =>
            string.Equals(s.DisplayStatus, "Ready", StringComparison.OrdinalIgnoreCase)
            && (s.Code is null || s.Code.StartsWith("ProvisioningState/succeeded", StringComparison.OrdinalIgnoreCase)));
        return ready ? AgentState.Ready : AgentState.NotReady;
    }
}
