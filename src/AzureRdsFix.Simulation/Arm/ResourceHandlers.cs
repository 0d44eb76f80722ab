using System.Text.Json.Nodes;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>Microsoft.Resources: subscriptions and resource groups.</summary>
internal static class ResourceHandlers
{
    /// <summary>Small pages, so a client must follow nextLink even for subscriptions.</summary>
    private static readonly int[] SubscriptionPageSizes = [2];

    public static ArmReply ListSubscriptions(SimulationState state, ArmRequest request)
    {
        var page = Paging.Page(state.Fleet.Subscriptions, SubscriptionPageSizes, request.QueryValue("$skiptoken"));
        if (page is not { } p)
        {
            return ArmErrors.BadRequest("The skip token is not valid.", "$skiptoken");
        }

        var body = new JsonObject { ["value"] = new JsonArray([.. p.Items.Select(s => (JsonNode?)Shapes.Subscription(s, state.Fleet.TenantId))]) };
        if (p.SkipToken is not null)
        {
            body["nextLink"] = Paging.NextLink(request.BaseUrl, "subscriptions", request.ApiVersion, p.SkipToken);
        }

        // ARM puts nextLink first only sometimes; clients must not care about the order.
        return ArmReply.Ok(body);
    }

    public static ArmReply GetSubscription(SimulationState state, SimulatedSubscription subscription) =>
        ArmReply.Ok(Shapes.Subscription(subscription, state.Fleet.TenantId));

    public static ArmReply ListResourceGroups(SimulatedSubscription subscription) => ArmReply.Ok(new JsonObject
    {
        ["value"] = new JsonArray([.. subscription.ResourceGroups.Select(rg => (JsonNode?)Shapes.ResourceGroup(subscription.Id, rg, LocationOf(subscription, rg)))]),
    });

    public static ArmReply GetResourceGroup(SimulatedSubscription subscription, ArmRoute route) =>
        subscription.ResourceGroup(route.ResourceGroup!) is { } rg
            ? ArmReply.Ok(Shapes.ResourceGroup(subscription.Id, rg, LocationOf(subscription, rg)))
            : ArmErrors.ResourceGroupNotFound(route.ResourceGroup!);

    private static string LocationOf(SimulatedSubscription subscription, string resourceGroup) =>
        subscription.VmsIn(resourceGroup).FirstOrDefault()?.Location ?? "westeurope";
}
