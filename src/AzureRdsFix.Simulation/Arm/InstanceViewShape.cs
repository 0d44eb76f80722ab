using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// The bare VirtualMachineInstanceView (no id/name/properties wrapper). The guest-reported parts (computerName, osName,
/// osVersion) come from the VM agent, so they are absent when the agent is not ready and, with vmAgent, when deallocated.
/// </summary>
internal static class InstanceViewShape
{
    private const string ProvisionedTime = "2023-03-14T09:28:12.8051917+00:00";

    /// <summary>
    /// The agent reports its status periodically, so a Ready status is a little old when read (<paramref name="reportAge"/>);
    /// after a restart, never older than the agent's return. Only a status newer than the restart shows the agent is back.
    /// </summary>
    public static JsonObject Build(SimulatedVm vm, DateTimeOffset now, TimeSpan reportAge = default)
    {
        var power = EffectivePower(vm, now);
        var agentReady = power == PowerState.Running && vm.Agent == AgentState.Ready;
        var view = new JsonObject();
        if (agentReady)
        {
            view["computerName"] = vm.Guest?.ComputerName ?? vm.Name;
            view["osName"] = OsName(vm);
            view["osVersion"] = OsVersion(vm);
        }

        if (power != PowerState.Deallocated)
        {
            view["vmAgent"] = !agentReady ? NotReadyAgent(now)
                : now < vm.AgentBackAt ? ReadyAgent(vm.AgentLastReportBeforeRestart) // not back yet: its last status, from before the restart
                : ReadyAgent(Max(now - reportAge, vm.AgentBackAt));
        }

        view["disks"] = new JsonArray(new JsonObject
        {
            ["name"] = vm.OsDiskName,
            ["statuses"] = new JsonArray(new JsonObject
            {
                ["code"] = "ProvisioningState/succeeded",
                ["level"] = "Info",
                ["displayStatus"] = "Provisioning succeeded",
                ["time"] = ProvisionedTime,
            }),
        });
        view["hyperVGeneration"] = "V2";
        view["statuses"] = Statuses(power);
        return view;
    }

    /// <summary>Just the statuses, as the ListAll <c>statusOnly=true</c> view carries them.</summary>
    public static JsonObject StatusOnly(SimulatedVm vm, DateTimeOffset now) => new() { ["statuses"] = Statuses(EffectivePower(vm, now)) };

    public static PowerState EffectivePower(SimulatedVm vm, DateTimeOffset now) =>
        vm.Power == PowerState.Running && now < vm.RestartingUntil ? PowerState.Starting : vm.Power;

    private static JsonArray Statuses(PowerState power) => new(
        new JsonObject
        {
            ["code"] = "ProvisioningState/succeeded",
            ["level"] = "Info",
            ["displayStatus"] = "Provisioning succeeded",
            ["time"] = ProvisionedTime,
        },
        // The power state entry has no time, and clients must find it by its prefix, not by position.
        new JsonObject
        {
            ["code"] = "PowerState/" + power.ToString().ToLowerInvariant(),
            ["level"] = "Info",
            ["displayStatus"] = "VM " + power.ToString().ToLowerInvariant(),
        });

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static JsonObject ReadyAgent(DateTimeOffset reportedAt) => new()
    {
        ["vmAgentVersion"] = "2.7.41491.1102",
        ["statuses"] = new JsonArray(new JsonObject
        {
            ["code"] = "ProvisioningState/succeeded",
            ["level"] = "Info",
            ["displayStatus"] = "Ready",
            ["message"] = "GuestAgent is running and processing the extensions.",
            ["time"] = ArmTime.Format(reportedAt),
        }),
        ["extensionHandlers"] = new JsonArray(),
    };

    private static JsonObject NotReadyAgent(DateTimeOffset now) => new()
    {
        ["vmAgentVersion"] = "Unknown",
        ["statuses"] = new JsonArray(new JsonObject
        {
            ["code"] = "ProvisioningState/Unavailable",
            ["level"] = "Warning",
            ["displayStatus"] = "Not Ready",
            ["message"] = "VM status blob is found but not yet populated.",
            ["time"] = ArmTime.Format(now.AddMinutes(-42)),
        }),
    };

    private static string OsName(SimulatedVm vm) => vm.Os == OsKind.Linux
        ? "ubuntu"
        : (vm.Guest?.Os?.Caption ?? "Windows Server 2019 Datacenter").Replace("Microsoft ", string.Empty, StringComparison.Ordinal);

    private static string OsVersion(SimulatedVm vm) => vm.Os == OsKind.Linux
        ? "22.04"
        : $"Microsoft Windows NT {vm.Guest?.Os?.Version ?? "10.0.17763"}.0";
}
