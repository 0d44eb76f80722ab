using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;
using AzureRdsFix.Simulation.Lro;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// VirtualMachines_Restart: 202 + Azure-AsyncOperation + Location; while it runs the VM reads "starting" and its agent
/// "Not Ready"; it ends with the VM running, its agent Ready with statuses newer than the restart (after the agent's
/// start-up, drawn per restart, and the VM's AgentLagAfterRestart fault, if any: until then the instance view still shows the stale pre-restart status), and the
/// guest's pending changes effective (<see cref="RestartEffects"/>).
/// </summary>
internal static class RestartHandler
{
    public static ArmReply Start(SimulationState state, ArmRequest request, SimulatedVm vm)
    {
        lock (vm.Sync)
        {
            if (vm.Power == PowerState.Deallocated)
            {
                return ArmErrors.Error(409, "OperationNotAllowed",
                    $"Operation 'Restart' is not allowed on VM '{vm.Name}' since the VM is either deallocated or marked to be deallocated.");
            }

            var operation = new LroOperation(LroKind.Restart, vm.SubscriptionId, vm.Location, request.ApiVersion, state.Now, state.LroDue(SimulatedDurations.Restart, SimulatedDurations.RestartMax, vm));
            if (vm.OwnGuest() is { } guest)
            {
                RestartEffects.Apply(guest);
            }

            vm.AgentLastReportBeforeRestart = state.Now - state.Scaled(SimulatedDurations.AgentReportAge);
            vm.Power = PowerState.Running;
            vm.Agent = AgentState.Ready;
            vm.RestartingUntil = operation.Due;
            vm.AgentBackAt = operation.Due + state.GuestDelay(SimulatedDurations.AgentStart, SimulatedDurations.AgentStartMax, vm) + vm.Faults.AgentLagAfterRestart;
            state.Operations.Add(operation);
            return LroStore.Accepted(request.BaseUrl, operation, body: null);
        }
    }
}
