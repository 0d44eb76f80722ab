using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace AzureRdsFix.Testing;

public sealed partial class FakeArm
{
    private ResponseMessage Page(string path, Dictionary<string, string> query, List<JsonObject> items)
    {
        // Uneven pages as real ARM serves them: a full page, an empty page that still has a nextLink, the rest,
        // then an empty last page reached through the previous page's nextLink.
        var pages = new List<List<JsonObject>>();
        var chunks = items.Chunk(Math.Max(1, PageSize)).Select(c => c.ToList()).ToList();
        if (chunks.Count == 0)
        {
            pages.Add([]);
        }
        else
        {
            pages.Add(chunks[0]);
            pages.Add([]);
            pages.AddRange(chunks.Skip(1));
            pages.Add([]);
        }

        var index = 0;
        if (query.TryGetValue("$skiptoken", out var token))
        {
            index = int.Parse(token.Split('!')[0], CultureInfo.InvariantCulture);
        }

        var body = new JsonObject { ["value"] = new JsonArray([.. pages[index].Select(i => (JsonNode)i.DeepClone())]) };
        if (index + 1 < pages.Count)
        {
            var next = Uri.EscapeDataString($"{index + 1}!DczNCoIwAADgd9l9bhNtTIiI6mBkHQo6z23mqP2wH4nEd8=");
            body["nextLink"] = $"{Endpoint.GetLeftPart(UriPartial.Authority)}{path}?api-version={query["api-version"]}&%24skiptoken={next}";
        }

        return Json(200, body);
    }

    private ResponseMessage RunCommand(FakeVm vm, IRequestMessage request, Dictionary<string, string> query)
    {
        if (vm.Power != PowerState.Running)
        {
            return Json(409, FakeArmJson.Error("OperationNotAllowed", "The operation requires the VM to be running (or set to run)."));
        }

        if (vm.RunCommandConflicts > 0 || vm.RunningCommand is { IsCompleted: false })
        {
            if (vm.RunningCommand is not { IsCompleted: false })
            {
                vm.RunCommandConflicts--;
            }

            return Json(409, FakeArmJson.Error("Conflict", "Run command extension execution is in progress. Please wait for completion before invoking a run command."));
        }

        using var document = JsonDocument.Parse(request.Body ?? "{}");
        var root = document.RootElement;
        var script = root.TryGetProperty("script", out var lines) ? lines.EnumerateArray().Select(l => l.GetString() ?? string.Empty).ToList() : [];
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("parameters", out var list))
        {
            foreach (var parameter in list.EnumerateArray())
            {
                parameters[parameter.GetProperty("name").GetString()!] = parameter.GetProperty("value").GetString()!;
            }
        }

        var call = new FakeRunCommandCall(root.GetProperty("commandId").GetString()!, script, parameters) { RequestIndex = _requests.Count - 1 };
        vm.RunCommands.Add(call);
        if (vm.RespondInBackground && vm.RunCommandResponder is { } responder && vm.Agent == AgentState.Ready)
        {
            vm.RunningCommand = Task.Run(() => responder(call));
            return Accepted(vm.SubscriptionId, vm.Location, new FakeOperation { Running = vm.RunningCommand }, query["api-version"], disk: false, body: null);
        }

        var output = vm.RunCommandResponder?.Invoke(call) ?? new FakeRunCommandOutput(vm.ProbeStdout ?? string.Empty);
        var result = FakeArmJson.RunCommandResult(output);

        var operation = vm.Agent == AgentState.Ready
            ? new FakeOperation { Output = result, LocationBody = result }
            : new FakeOperation
            {
                Error = FakeArmJson.Error(
                    "VMAgentStatusCommunicationError",
                    $"VM '{vm.Name}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, and can establish outbound connections to Azure storage.")["error"]!.AsObject(),
            };
        return Accepted(vm.SubscriptionId, vm.Location, operation, query["api-version"], disk: false, body: null);
    }

    private ResponseMessage Restart(FakeVm vm, Dictionary<string, string> query)
    {
        if (vm.Power is PowerState.Deallocated or PowerState.Deallocating)
        {
            return Json(409, FakeArmJson.Error("OperationNotAllowed", $"Operation 'restart' is not allowed on VM '{vm.Name}' since the VM is either deallocated or marked to be deallocated."));
        }

        var operation = new FakeOperation
        {
            OnComplete = () =>
            {
                vm.Power = PowerState.Running;
                vm.Restarts++;
                vm.PendingNotReadyReads = vm.AgentNotReadyReadsAfterRestart;
                vm.PendingStaleReads = vm.StaleAgentReadsAfterRestart;
                vm.OnRestart?.Invoke();
            },
        };
        return Accepted(vm.SubscriptionId, vm.Location, operation, query["api-version"], disk: false, body: null);
    }

    private ResponseMessage PutSnapshot(string subscriptionId, string id, string name, IRequestMessage request, Dictionary<string, string> query)
    {
        var body = JsonNode.Parse(request.Body ?? "{}")!.AsObject();
        var location = body["location"]?.GetValue<string>() ?? string.Empty;
        var creation = body["properties"]?["creationData"];
        var source = creation?["sourceResourceId"]?.GetValue<string>() ?? string.Empty;
        var disk = _vms.FirstOrDefault(v => Same(v.OsDiskIdAsReported, source));
        if (disk is null || !Same(creation?["createOption"]?.GetValue<string>() ?? string.Empty, "Copy"))
        {
            return Json(404, FakeArmJson.Error("NotFound", $"Source resource '{source}' specified in the request does not exist in this Azure location."));
        }

        if (!Same(location.Replace(" ", string.Empty, StringComparison.Ordinal), disk.Location))
        {
            return Json(400, FakeArmJson.Error("InvalidParameter", $"The snapshot location '{location}' must match the source disk location '{disk.Location}'."));
        }

        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in body["tags"]?.AsObject() ?? [])
        {
            tags[key] = value?.GetValue<string>() ?? string.Empty;
        }

        var snapshot = new FakeSnapshot
        {
            Id = id,
            Name = name,
            Location = disk.Location,
            SourceResourceId = source,
            Incremental = body["properties"]?["incremental"]?.GetValue<bool>() ?? false,
            Tags = tags,
            Sku = body["sku"]?.AsObject(),
            RequestIndex = _requests.Count - 1,
        };
        _snapshots[id] = snapshot;
        var operation = new FakeOperation { OnComplete = () => snapshot.ProvisioningState = SnapshotFinalState };
        operation.OutputFactory = () => FakeArmJson.Snapshot(snapshot, withIdentity: true);
        var response = Accepted(subscriptionId, disk.Location, operation, query["api-version"], disk: true, body: FakeArmJson.Snapshot(snapshot, withIdentity: false));
        if (SnapshotRetryAfterSeconds is { } seconds)
        {
            response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    private ResponseMessage Accepted(string subscriptionId, string location, FakeOperation operation, string apiVersion, bool disk, JsonObject? body)
    {
        _operations[operation.Id] = operation;
        operation.PollsRemaining = PollsBeforeDone;
        var root = $"{Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}";
        var (asyncOperation, monitor) = disk
            ? ($"{root}/DiskOperations/{operation.Id}?api-version={apiVersion}", $"{root}/DiskOperations/{operation.Id}?monitor=true&api-version={apiVersion}")
            : ($"{root}/operations/{operation.Id}?p={Guid.NewGuid()}&api-version={apiVersion}", $"{root}/operations/{operation.Id}?p={Guid.NewGuid()}&monitor=true&api-version={apiVersion}");
        var response = body is null ? Empty(202) : Json(202, body);
        response.AddHeader("Azure-AsyncOperation", asyncOperation);
        response.AddHeader("Location", monitor);
        response.Headers!["x-ms-request-id"] = new WireMockList<string>(operation.Id);
        return response;
    }

    private ResponseMessage Operation(string id, Dictionary<string, string> query)
    {
        if (!_operations.TryGetValue(id, out var operation))
        {
            return Json(404, FakeArmJson.Error("NotFound", $"The operation '{id}' was not found."));
        }

        if (operation.Running is { } running)
        {
            if (!running.IsCompleted)
            {
                return query.TryGetValue("monitor", out var polling) && Same(polling, "true")
                    ? Empty(202)
                    : Json(200, new JsonObject { ["startTime"] = "2024-05-02T10:12:07.6751397+00:00", ["status"] = "InProgress", ["name"] = operation.Id });
            }

            operation.Running = null;
            if (running.IsCompletedSuccessfully)
            {
                operation.Output = operation.LocationBody = FakeArmJson.RunCommandResult(running.Result);
            }
            else
            {
                var message = running.Exception?.GetBaseException().Message ?? "The Run Command responder was cancelled.";
                operation.Error = FakeArmJson.Error("FakeArmError", $"The Run Command responder failed: {message}")["error"]!.AsObject();
            }
        }

        if (query.TryGetValue("monitor", out var monitor) && Same(monitor, "true"))
        {
            if (!operation.Done)
            {
                return Empty(202);
            }

            return operation.LocationBody is null ? Empty(200) : Json(200, operation.LocationBody);
        }

        var status = new JsonObject { ["startTime"] = "2024-05-02T10:12:07.6751397+00:00" };
        if (operation.PollsRemaining > 0)
        {
            operation.PollsRemaining--;
            status["status"] = "InProgress";
            status["name"] = operation.Id;
            return Json(200, status);
        }

        if (!operation.Done)
        {
            operation.Done = true;
            operation.OnComplete?.Invoke();
        }

        status["endTime"] = "2024-05-02T10:12:58.4460375+00:00";
        if (operation.Error is not null)
        {
            status["status"] = "Failed";
            status["error"] = operation.Error.DeepClone();
        }
        else
        {
            status["status"] = "Succeeded";
            var output = operation.OutputFactory?.Invoke() ?? operation.Output;
            if (output is not null)
            {
                status["properties"] = new JsonObject { ["output"] = output.DeepClone() };
            }
        }

        status["name"] = operation.Id;
        return Json(200, status);
    }

    private static ResponseMessage Forbidden(string method, string[] s, string path)
    {
        var last = s[^1].ToLowerInvariant();
        var action = (method, last) switch
        {
            ("POST", "runcommand") => "Microsoft.Compute/virtualMachines/runCommand/action",
            ("POST", "restart") => "Microsoft.Compute/virtualMachines/restart/action",
            ("PUT", _) when path.Contains("/snapshots/", StringComparison.OrdinalIgnoreCase) => "Microsoft.Compute/snapshots/write",
            ("GET", _) when path.Contains("/disks/", StringComparison.OrdinalIgnoreCase) => "Microsoft.Compute/disks/read",
            _ => "Microsoft.Compute/virtualMachines/read",
        };
        var scope = path.Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase) && last is "runcommand" or "restart"
            ? path[..path.LastIndexOf('/')]
            : path;
        return Json(
            403,
            FakeArmJson.Error(
                "AuthorizationFailed",
                $"The client 'operator@contoso.com' with object id '3f2a1b9c-0d4e-4f6a-8b7c-9d0e1f2a3b4c' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."),
            gateway: true);
    }

    private static ResponseMessage NotFoundRoute(IRequestMessage request) => Json(
        404,
        FakeArmJson.Error("NoRegisteredProviderFound", $"FakeArm has no route for {request.Method} {request.AbsolutePath}."));

    private static ResponseMessage Json(int status, JsonObject body, bool gateway = false)
    {
        var response = Empty(status);
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        if (gateway)
        {
            response.AddHeader("x-ms-failure-cause", "gateway");
        }

        response.BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 };
        return response;
    }

    private static ResponseMessage Empty(int status)
    {
        var response = new ResponseMessage { StatusCode = status, Headers = new Dictionary<string, WireMockList<string>>() };
        response.AddHeader("Cache-Control", "no-cache");
        response.AddHeader("Pragma", "no-cache");
        response.AddHeader("Expires", "-1");
        response.AddHeader("x-ms-request-id", Guid.NewGuid().ToString());
        response.AddHeader("x-ms-correlation-request-id", Guid.NewGuid().ToString());
        response.AddHeader("x-ms-ratelimit-remaining-subscription-reads", "11999");
        return response;
    }

    private static Dictionary<string, string> ParseQuery(string raw)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            result[Uri.UnescapeDataString(parts[0])] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
        }

        return result;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private sealed class FakeOperation
    {
        public string Id { get; } = Guid.NewGuid().ToString();

        public int PollsRemaining { get; set; }

        public bool Done { get; set; }

        public JsonObject? Output { get; set; }

        public Func<JsonObject>? OutputFactory { get; set; }

        public JsonObject? LocationBody { get; set; }

        public JsonObject? Error { get; set; }

        /// <summary>A Run Command still running in the background (<see cref="FakeVm.RespondInBackground"/>).</summary>
        public Task<FakeRunCommandOutput>? Running { get; set; }

        public Action? OnComplete { get; init; }
    }
}
