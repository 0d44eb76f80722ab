using AzureRdsFix.Simulation.Lro;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// The polling URLs: the Azure-AsyncOperation URL always answers 200 with a status body; the Location URL (monitor=true)
/// answers 202 while running, then the operation's final answer.
/// </summary>
internal static class OperationHandlers
{
    public static ArmReply Poll(SimulationState state, ArmRequest request)
    {
        var route = request.Route;
        var operation = state.Operations.Find(route.SubscriptionId!, route.Name!);
        var diskRoute = route.Operation is ArmOperation.DiskOperationStatus or ArmOperation.DiskOperationResult;
        if (operation is null || (operation.Kind == LroKind.Snapshot) != diskRoute)
        {
            return ArmErrors.Error(404, "NotFound", $"The operation '{route.Name}' was not found in location '{route.Location}'.");
        }

        var now = state.Now;
        return route.Monitor
            ? LroStore.LocationReply(request.BaseUrl, operation, now)
            : ArmReply.Ok(LroStore.StatusBody(operation, now));
    }
}
