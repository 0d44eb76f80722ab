using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Arm;

/// <summary>What a handler answers: status, JSON body (null = empty body, Content-Length 0) and extra headers.</summary>
internal sealed class ArmReply(int status, JsonNode? body = null)
{
    public int Status { get; } = status;

    public JsonNode? Body { get; } = body;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request id to send; LRO starts reuse the operation id, as CRP does.</summary>
    public string? RequestId { get; set; }

    public static ArmReply Ok(JsonNode body) => new(200, body);

    public ArmReply With(string header, string value)
    {
        Headers[header] = value;
        return this;
    }
}

/// <summary>The ARM error bodies (<c>{"error":{code,message,target?,details?}}</c>) with the wording real Azure uses.</summary>
internal static class ArmErrors
{
    public static ArmReply Error(int status, string code, string message, string? target = null, JsonArray? details = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (target is not null)
        {
            error["target"] = target;
        }

        if (details is not null)
        {
            error["details"] = details;
        }

        return new ArmReply(status, new JsonObject { ["error"] = error });
    }

    /// <summary>Made by the ARM gateway, not the resource provider: marked with x-ms-failure-cause.</summary>
    public static ArmReply Gateway(int status, string code, string message) =>
        Error(status, code, message).With("x-ms-failure-cause", "gateway");

    public static ArmReply Unauthenticated() =>
        Gateway(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");

    public static ArmReply Forbidden(string action, string scope) => Gateway(403, "AuthorizationFailed",
        $"The client 'azrdsfix-sim@contoso.com' with object id '2b8c6f1e-0a4d-4e57-9c3b-6d2f8a1e7c40' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.");

    public static ArmReply SubscriptionNotFound(string id) => Gateway(404, "SubscriptionNotFound", $"The subscription '{id}' could not be found.");

    public static ArmReply ResourceGroupNotFound(string name) => Gateway(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.");

    public static ArmReply ResourceNotFound(string type, string name, string resourceGroup) => Gateway(404, "ResourceNotFound",
        $"The Resource '{type}/{name}' under resource group '{resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    public static ArmReply MissingApiVersion() => Error(400, "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.");

    public static ArmReply InvalidApiVersion(string version, string resourceType, IEnumerable<string> supported) => Error(400, "InvalidApiVersionParameter",
        $"The api-version '{version}' is invalid for resource type '{resourceType}'. The supported versions are '{string.Join(",", supported)}'.");

    public static ArmReply NoRoute(string method, string path) => Error(404, "InvalidResourceType",
        $"The simulated Azure does not implement '{method} {path}'.");

    public static ArmReply RunCommandInProgress() => Error(409, "Conflict",
        "Run command extension execution is in progress. Please wait for completion before invoking a run command.");

    public static ArmReply VmNotRunning() => Error(409, "OperationNotAllowed", "The operation requires the VM to be running (or set to run).");

    public static ArmReply CommandNotFound() => Error(404, "NotFound", "The entity was not found in this Azure location.");

    public static ArmReply BadRequest(string message, string? target = null) => Error(400, "InvalidParameter", message, target);

    /// <summary>CRP's 429: OperationNotAllowed, with the throttled policy as a JSON string in details[0].message.</summary>
    public static ArmReply ComputeThrottled(string policy, DateTimeOffset now, int allowed, int measured)
    {
        var detail = new JsonObject
        {
            ["operationGroup"] = policy,
            ["startTime"] = ArmTime.Format(now.AddMinutes(-3)),
            ["endTime"] = ArmTime.Format(now),
            ["allowedRequestCount"] = allowed,
            ["measuredRequestCount"] = measured,
        };
        var details = new JsonArray(new JsonObject { ["code"] = "TooManyRequests", ["target"] = policy, ["message"] = detail.ToJsonString() });
        return Error(429, "OperationNotAllowed", "The server rejected the request because too many requests have been received for this subscription.", details: details)
            .With("Retry-After", "1")
            .With("x-ms-ratelimit-remaining-resource", $"Microsoft.Compute/{policy};0");
    }

    /// <summary>ARM's own 429 (outside Compute, e.g. subscription listing).</summary>
    public static ArmReply ArmThrottled(string subscriptionId, string verb = "read") => Gateway(429, "SubscriptionRequestsThrottled",
        $"Number of '{verb}' requests for subscription '{subscriptionId}' actor '2b8c6f1e-0a4d-4e57-9c3b-6d2f8a1e7c40' exceeded. Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.")
        .With("Retry-After", "1")
        .With($"x-ms-ratelimit-remaining-subscription-{verb}s", "0");

    public static ArmReply ServerError(bool listing) => listing
        ? Error(502, "ProviderError", "Resource provider 'Microsoft.Compute' failed to return collection response for type 'virtualMachines'.")
        : Error(500, "InternalExecutionError", "An internal execution error occurred. Please retry later.");
}
