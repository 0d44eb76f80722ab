using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// Every request, in the order ARM checks things: authentication, route, api-version, subscription (exists, not
/// forbidden), injected faults and throttling, simulated latency, then the operation itself.
/// </summary>
internal sealed class ArmPipeline(SimulationState state)
{
    private readonly ArmHeaders _headers = new(state.Time);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var route = ArmRoute.Match(request.Method, request.Path.Value ?? "/", string.Equals(request.Query["monitor"], "true", StringComparison.OrdinalIgnoreCase));
        state.Counters.Count(route.Operation);
        var (reply, throttleHeader) = await AnswerAsync(context, route);
        state.Counters.CountStatus(reply.Status, reply.Status == 409 && route.Operation == ArmOperation.VirtualMachinesRunCommand
            && reply.Body?["error"]?["code"]?.GetValue<string>() == "Conflict");
        await WriteAsync(context.Response, request.Method, route.Operation, reply, throttleHeader);
    }

    private async Task<(ArmReply Reply, string? ThrottleHeader)> AnswerAsync(HttpContext context, ArmRoute route)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
        {
            return (ArmErrors.Unauthenticated(), null);
        }

        if (route.Operation == ArmOperation.Unknown)
        {
            return (ArmErrors.NoRoute(request.Method, request.Path.Value ?? "/"), null);
        }

        var apiVersion = request.Query["api-version"].ToString();
        if (apiVersion.Length == 0)
        {
            return (ArmErrors.MissingApiVersion(), null);
        }

        state.Counters.CountApiVersion(route.Operation, apiVersion);
        if (!ApiVersions.IsSupported(route.Track, apiVersion))
        {
            return (ArmErrors.InvalidApiVersion(apiVersion, ResourceType(route), ApiVersions.For(route.Track)), null);
        }

        Fleets.SimulatedSubscription? subscription = null;
        if (route.SubscriptionId is not null)
        {
            subscription = state.Fleet.Subscription(route.SubscriptionId);
            if (subscription is null)
            {
                return (ArmErrors.SubscriptionNotFound(route.SubscriptionId), null);
            }

            if (subscription.Forbidden)
            {
                return (ArmErrors.Forbidden(route.Action, Scope(request.Path.Value!, route)), null);
            }
        }

        if (state.Faults.Inject(route) is { } fault)
        {
            return (fault, null);
        }

        // ARM's gateway throttles before the resource provider sees the call.
        var (armThrottled, armHeader, armRemaining) = state.ArmBudget.Take(request.Method, route.SubscriptionId);
        context.Response.Headers[armHeader] = armRemaining;
        if (armThrottled is not null)
        {
            return (armThrottled, null);
        }

        var resourceKey = route.Name is not null ? $"{route.SubscriptionId}/{route.ResourceGroup}/{route.Name}".ToLowerInvariant() : null;
        var (throttled, throttleHeader) = state.Throttle.Take(route.Operation, route.SubscriptionId ?? string.Empty, resourceKey, RegionOf(route, subscription));
        if (throttled is not null)
        {
            return (throttled, null);
        }

        await DelayAsync(route, context.RequestAborted);
        JsonNode? body = null;
        if (request.Method is "PUT" or "POST" && request.ContentLength is not 0)
        {
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException e)
            {
                return (ArmErrors.Error(400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{e.Message}'."), null);
            }
        }

        var armRequest = new ArmRequest(route, request.Method, request.Query, $"{request.Scheme}://{request.Host}/", apiVersion, body);
        return (Dispatch(armRequest, subscription), throttleHeader);
    }

    private ArmReply Dispatch(ArmRequest request, Fleets.SimulatedSubscription? subscription)
    {
        var route = request.Route;
        switch (route.Operation)
        {
            case ArmOperation.SubscriptionsList:
                return ResourceHandlers.ListSubscriptions(state, request);
            case ArmOperation.SubscriptionsGet:
                return ResourceHandlers.GetSubscription(state, subscription!);
            case ArmOperation.ResourceGroupsList:
                return ResourceHandlers.ListResourceGroups(subscription!);
            case ArmOperation.ResourceGroupsGet:
                return ResourceHandlers.GetResourceGroup(subscription!, route);
            case ArmOperation.VirtualMachinesListAll or ArmOperation.VirtualMachinesList:
                return VmHandlers.List(state, request, subscription!);
            case ArmOperation.DisksGet:
                return DiskHandlers.GetDisk(subscription!, route);
            case ArmOperation.SnapshotsGet:
                return DiskHandlers.GetSnapshot(state, subscription!, route);
            case ArmOperation.SnapshotsCreateOrUpdate:
                return DiskHandlers.CreateSnapshot(state, request, subscription!);
            case ArmOperation.ComputeOperationStatus or ArmOperation.ComputeOperationResult
                or ArmOperation.DiskOperationStatus or ArmOperation.DiskOperationResult:
                return OperationHandlers.Poll(state, request);
        }

        var (vm, notFound) = VmHandlers.Find(subscription!, route);
        if (vm is null)
        {
            return notFound!;
        }

        state.Counters.CountVm(vm.Id);
        return route.Operation switch
        {
            ArmOperation.VirtualMachinesGet => VmHandlers.Get(state, request, vm),
            ArmOperation.VirtualMachinesInstanceView => VmHandlers.InstanceView(state, vm),
            ArmOperation.VirtualMachinesRunCommand => RunCommandHandler.Start(state, request, vm),
            ArmOperation.VirtualMachinesRestart => RestartHandler.Start(state, request, vm),
            _ => ArmErrors.NoRoute(request.Method, route.ToString()),
        };
    }

    /// <summary>The region a Compute call is metered in: the URL's (operations), else its VM's or disk's; snapshots count in their disk's.</summary>
    private static string RegionOf(ArmRoute route, Fleets.SimulatedSubscription? subscription)
    {
        if (route.Location is not null)
        {
            return Fleets.Fleet.NormalizeLocation(route.Location);
        }

        if (subscription is null || route.Name is null || route.ResourceGroup is null)
        {
            return "*";
        }

        return route.Operation switch
        {
            ArmOperation.DisksGet => subscription.VmByOsDisk(route.Name)?.Location,
            ArmOperation.SnapshotsCreateOrUpdate or ArmOperation.SnapshotsGet => subscription.Snapshot(route.ResourceGroup, route.Name)?.Location
                ?? subscription.VmsIn(route.ResourceGroup).FirstOrDefault()?.Location,
            _ => subscription.Vm(route.ResourceGroup, route.Name)?.Location,
        } ?? "*";
    }

    private Task DelayAsync(ArmRoute route, CancellationToken cancellationToken)
    {
        var latency = route.Operation switch
        {
            ArmOperation.VirtualMachinesList or ArmOperation.VirtualMachinesListAll or ArmOperation.SubscriptionsList => SimulatedDurations.ListLatency,
            ArmOperation.VirtualMachinesRunCommand or ArmOperation.VirtualMachinesRestart or ArmOperation.SnapshotsCreateOrUpdate => SimulatedDurations.WriteLatency,
            _ => SimulatedDurations.ReadLatency,
        };
        var delay = state.Scaled(latency);
        return delay > TimeSpan.Zero ? Task.Delay(delay, state.Time, cancellationToken) : Task.CompletedTask;
    }

    private async Task WriteAsync(HttpResponse response, string method, ArmOperation operation, ArmReply reply, string? throttleHeader)
    {
        response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers)
        {
            response.Headers[name] = value;
        }

        _headers.Apply(response, reply.RequestId ?? Guid.NewGuid().ToString(), method, operation, throttleHeader);
        if (reply.Body is null)
        {
            response.ContentLength = 0;
            return;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(reply.Body);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    private static string ResourceType(ArmRoute route) => route.Track switch
    {
        ApiTrack.Resources => "Microsoft.Resources/subscriptions",
        ApiTrack.DiskRP => "Microsoft.Compute/disks",
        _ => "Microsoft.Compute/virtualMachines",
    };

    /// <summary>The scope a 403 names: the resource path the call was made on.</summary>
    private static string Scope(string path, ArmRoute route) =>
        route.Operation is ArmOperation.VirtualMachinesRunCommand or ArmOperation.VirtualMachinesRestart or ArmOperation.VirtualMachinesInstanceView
            ? path[..path.LastIndexOf('/')]
            : path;
}
