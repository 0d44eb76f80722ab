using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;
using AzureRdsFix.Simulation.Lro;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// VirtualMachines_Restart: 202 + Azure-AsyncOperation + Location; while it runs the VM reads "starting"; it ends with
/// the VM running, its agent Ready, and the guest's pending changes effective (<see cref="RestartEffects"/>).
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

            vm.Power = PowerState.Running;
            vm.Agent = AgentState.Ready;
            vm.RestartingUntil = operation.Due;
            state.Operations.Add(operation);
            return LroStore.Accepted(request.BaseUrl, operation, body: null);
        }
    }
}
