using System.Text.Json.Nodes;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>VirtualMachines_ListAll, _List, _Get and _InstanceView.</summary>
internal static class VmHandlers
{
    public static ArmReply List(SimulationState state, ArmRequest request, SimulatedSubscription subscription)
    {
        var route = request.Route;
        IReadOnlyList<SimulatedVm> vms;
        string path;
        if (route.Operation == Arm.ArmOperation.VirtualMachinesListAll)
        {
            vms = subscription.Vms;
            path = $"subscriptions/{subscription.Id}/providers/Microsoft.Compute/virtualMachines";
        }
        else
        {
            if (subscription.ResourceGroup(route.ResourceGroup!) is not { } rg)
            {
                return ArmErrors.ResourceGroupNotFound(route.ResourceGroup!);
            }

            vms = [.. subscription.VmsIn(rg)];
            path = $"subscriptions/{subscription.Id}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines";
        }

        if (Paging.Page(vms, state.Fleet.PageSizes, request.QueryValue("$skiptoken")) is not { } page)
        {
            return ArmErrors.BadRequest("The skip token is not valid.", "$skiptoken");
        }

        var statusOnly = string.Equals(request.QueryValue("statusOnly"), "true", StringComparison.OrdinalIgnoreCase);
        var now = state.Now;
        var body = new JsonObject
        {
            ["value"] = new JsonArray([.. page.Items.Select(vm =>
                (JsonNode?)Shapes.VirtualMachine(vm, statusOnly ? InstanceViewShape.StatusOnly(vm, now) : null))]),
        };
        if (page.SkipToken is not null)
        {
            body["nextLink"] = Paging.NextLink(request.BaseUrl, path, request.ApiVersion, page.SkipToken, statusOnly ? "&statusOnly=true" : null);
        }

        return ArmReply.Ok(body);
    }

    public static ArmReply Get(SimulationState state, ArmRequest request, SimulatedVm vm)
    {
        var document = Shapes.VirtualMachine(vm);
        if (string.Equals(request.QueryValue("$expand"), "instanceView", StringComparison.OrdinalIgnoreCase))
        {
            document["properties"]!["instanceView"] = InstanceViewShape.Build(vm, state.Now, state.Scaled(SimulatedDurations.AgentReportAge));
        }

        return ArmReply.Ok(document);
    }

    public static ArmReply InstanceView(SimulationState state, SimulatedVm vm) => ArmReply.Ok(InstanceViewShape.Build(vm, state.Now, state.Scaled(SimulatedDurations.AgentReportAge)));

    /// <summary>The VM a route names, or the 404 ARM gives (resource group first, then the VM).</summary>
    public static (SimulatedVm? Vm, ArmReply? NotFound) Find(SimulatedSubscription subscription, ArmRoute route)
    {
        if (subscription.ResourceGroup(route.ResourceGroup!) is null)
        {
            return (null, ArmErrors.ResourceGroupNotFound(route.ResourceGroup!));
        }

        return subscription.Vm(route.ResourceGroup!, route.Name!) is { } vm
            ? (vm, null)
            : (null, ArmErrors.ResourceNotFound("Microsoft.Compute/virtualMachines", route.Name!, route.ResourceGroup!));
    }
}
