using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;
using AzureRdsFix.Simulation.Lro;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// VirtualMachines_RunCommand (the action): LRO pattern A — 202, empty body, Azure-AsyncOperation + Location, no
/// Retry-After. Synchronous 409s for "another one is running" and "VM not running"; an agent that is not ready fails
/// the LRO later with VMAgentStatusCommunicationError (so does an agent that has not reported since a restart). A VM
/// with osProfile.allowExtensionOperations false refuses it. The RunCommandGatewayErrors fault accepts and runs the
/// command, then answers 504 GatewayTimeout as ARM's gateway does when the provider's answer is late.
/// </summary>
internal static class RunCommandHandler
{
    public static ArmReply Start(SimulationState state, ArmRequest request, SimulatedVm vm)
    {
        var body = request.Body as JsonObject;
        var commandId = body?["commandId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(commandId))
        {
            return ArmErrors.BadRequest("Required parameter 'commandId' is missing (null).", "commandId");
        }

        var expected = vm.Os == OsKind.Windows ? "RunPowerShellScript" : "RunShellScript";
        if (!string.Equals(commandId, expected, StringComparison.OrdinalIgnoreCase))
        {
            return ArmErrors.CommandNotFound();
        }

        var script = (body!["script"] as JsonArray ?? []).Select(line => line?.GetValue<string>() ?? string.Empty).ToList();
        var parameters = (body["parameters"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(p => new KeyValuePair<string, string>(p["name"]?.GetValue<string>() ?? string.Empty, p["value"]?.GetValue<string>() ?? string.Empty))
            .ToList();

        lock (vm.Sync)
        {
            var now = state.Now;
            if (vm.Power != PowerState.Running)
            {
                return ArmErrors.VmNotRunning();
            }

            if (!vm.AllowExtensionOperations)
            {
                // The exact code and wording Azure uses here are unconfirmed; the tool never sends this (triage fact).
                return ArmErrors.Error(409, "OperationNotAllowed",
                    $"Extension operations are disallowed on VM '{vm.Name}' (osProfile.allowExtensionOperations is false), so Run Command cannot run.");
            }

            if (vm.ConflictsLeft > 0 || now < vm.RunCommandBusyUntil)
            {
                vm.ConflictsLeft = Math.Max(0, vm.ConflictsLeft - 1);
                return ArmErrors.RunCommandInProgress();
            }

            var flapped = vm.AgentFlapsLeft > 0 && vm.AgentFlapsLeft-- > 0;
            var agentBack = vm.Agent == AgentState.Ready && now >= vm.AgentBackAt && !flapped;
            var operation = agentBack ? Run(state, request, vm, script, parameters) : AgentFailure(state, request, vm);
            vm.RunCommandBusyUntil = operation.Due;
            state.Operations.Add(operation);
            if (vm.GatewayErrorsLeft > 0)
            {
                // Accepted and running, but the client hears a gateway timeout (arm-shapes.md 1.2: gateway errors carry
                // x-ms-failure-cause: gateway). A client that resends the POST starts the script a second time.
                vm.GatewayErrorsLeft--;
                return ArmErrors.Gateway(504, "GatewayTimeout",
                    "The gateway did not receive a response from 'Microsoft.Compute' within the specified time period.");
            }

            return LroStore.Accepted(request.BaseUrl, operation, body: null);
        }
    }

    private static LroOperation Run(
        SimulationState state, ArmRequest request, SimulatedVm vm, List<string> script, List<KeyValuePair<string, string>> parameters)
    {
        GuestScriptOutput output;
        if (vm.Guest is null)
        {
            output = new GuestScriptOutput(string.Empty, "The simulated VM has no guest.\n");
        }
        else
        {
            // A script that writes gets the VM's own copy of the guest; a read-only one may keep reading the shared fixture.
            var writes = GuestScriptRunner.Writes(script);
            vm.CountRunCommand(writes);
            var guest = writes ? vm.OwnGuest()! : vm.Guest;
            output = GuestScriptRunner.Run(guest, script, parameters, new OutputFaults(vm.Faults.TruncateStdout, vm.Faults.StderrNoise));
        }

        var result = ResultBody(RunCommandOutput.LastBytes(output.StdOut), RunCommandOutput.LastBytes(output.StdErr));
        return new LroOperation(LroKind.RunCommand, vm.SubscriptionId, vm.Location, request.ApiVersion, state.Now, state.LroDue(SimulatedDurations.RunCommand, SimulatedDurations.RunCommandMax, vm))
        {
            Output = () => result.DeepClone(),
        };
    }

    private static LroOperation AgentFailure(SimulationState state, ArmRequest request, SimulatedVm vm) =>
        new(LroKind.RunCommand, vm.SubscriptionId, vm.Location, request.ApiVersion, state.Now, state.LroDue(SimulatedDurations.AgentTimeout))
        {
            Error = new JsonObject
            {
                ["code"] = "VMAgentStatusCommunicationError",
                ["message"] = $"VM '{vm.Name}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, and can establish outbound connections to Azure storage.",
            },
        };

    /// <summary>Windows RunPowerShellScript: StdOut then StdErr, both "succeeded" whatever the script did; no time, no exit code.</summary>
    private static JsonObject ResultBody(string stdout, string stderr) => new()
    {
        ["value"] = new JsonArray(
            new JsonObject { ["code"] = "ComponentStatus/StdOut/succeeded", ["level"] = "Info", ["displayStatus"] = "Provisioning succeeded", ["message"] = stdout },
            new JsonObject { ["code"] = "ComponentStatus/StdErr/succeeded", ["level"] = "Info", ["displayStatus"] = "Provisioning succeeded", ["message"] = stderr }),
    };
}
