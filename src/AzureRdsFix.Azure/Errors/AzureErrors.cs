using System.Security.Authentication;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Identity;
using AzureRdsFix.Azure.Connection;

namespace AzureRdsFix.Azure.Errors;

/// <summary>
/// The one place where Azure failures become operator sentences and outcome classes. Every adapter lets exceptions
/// through; the CLI calls <see cref="Translate"/> with what it was doing ("list VMs in subscription X", "run the probe
/// on VM Y").
/// </summary>
public static partial class AzureErrors
{
    public const string RunCommandBusyMarker = "Run command extension execution is in progress";

    private const int MaxServerMessage = 300;

    public static string Describe(Exception exception, string action) => Translate(exception, action).Message;

    public static AzureErrorKind Classify(Exception exception) => Translate(exception, "call Azure").Kind;

    public static AzureFailure Translate(Exception exception, string action)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // The SDK's retry policy wraps each attempt's failure; the last one says what is wrong now.
            AggregateException { InnerExceptions.Count: > 0 } e => Translate(e.InnerExceptions[^1], action),
            AzureConnectionException e => new(AzureErrorKind.Auth, e.Message),
            GuestChannelRefusedException e => new(AzureErrorKind.Unreachable, $"Did not {action}: {e.Message}"),
            AgentNotReadyException e => new(AzureErrorKind.Unreachable, $"Could not {action}: {e.Message}"),
            SnapshotNotSucceededException e => new(AzureErrorKind.Failed, $"Could not {action}: {e.Message}"),
            CredentialUnavailableException e => new(AzureErrorKind.Auth, DescribeUnavailableCredential(e, action)),
            AuthenticationFailedException e => new(
                AzureErrorKind.Auth,
                $"Could not {action}: signing in failed ({FirstLine(e.Message)}); check --auth and --tenant, or sign in again."),
            RequestFailedException e => TranslateRequestFailure(e, action),
            ArmTransportException e => TranslateTransport(e, action),
            OperationCanceledException => new(AzureErrorKind.Failed, $"Did not {action}: the step was cancelled or timed out."),
            TimeoutException e => new(AzureErrorKind.Failed, $"Could not {action}: {FirstLine(e.Message)}"),
            _ => new(AzureErrorKind.Failed, $"Could not {action}: {FirstLine(exception.Message)}"),
        };
    }

    private static AzureFailure TranslateRequestFailure(RequestFailedException e, string action)
    {
        if (e.Status == 0)
        {
            return TranslateTransport(e, action);
        }

        var (code, message) = ReadError(e);
        var status = e.Status;
        var server = Trim(message);

        if (code is "VMAgentStatusCommunicationError" or "VMExtensionProvisioningTimeout" or "VMExtensionHandlerNonTransientError")
        {
            return new(
                AzureErrorKind.Unreachable,
                $"Could not {action}: the VM agent did not report status to Azure ({code}); check that the Windows Azure Guest Agent is running and the VM has outbound access to Azure on port 443.",
                status,
                code);
        }

        switch (status)
        {
            case 401:
                return new(
                    AzureErrorKind.Auth,
                    $"Could not {action}: ARM rejected the access token (401 {code ?? "Unauthorized"}): it is expired or invalid; sign in again (for --auth token, refresh {ArmClientFactory.AccessTokenVariable}).",
                    status,
                    code);
            case 403 when code == "RequestDisallowedByPolicy":
                // Learn "Resolve errors for request disallowed by policy": a deny effect of Azure Policy, not a missing
                // role. The body names the policy assignment and definition (in additionalInfo, and in the message).
                return new(
                    AzureErrorKind.Failed,
                    $"Could not {action}: Azure Policy denied it ({DescribePolicy(e, server)}, 403 RequestDisallowedByPolicy); ask the policy's owner for an exemption or change the assignment, then run again.",
                    status,
                    code);
            case 403:
                var permission = MissingPermission().Match(message ?? string.Empty);
                var what = permission.Success
                    ? $"the identity lacks the permission '{permission.Groups["action"].Value}'"
                      + (permission.Groups["scope"].Success ? $" over '{permission.Groups["scope"].Value}'" : string.Empty)
                    : "the identity is not authorized";
                return new(
                    AzureErrorKind.Auth,
                    $"Could not {action}: {what} (403 {code ?? "Forbidden"}); grant a role that includes it at this scope (see infra/ for the least-privilege role), or leave this scope out.",
                    status,
                    code);
            case 404:
                return new(AzureErrorKind.Failed, $"Could not {action}: it was not found (404 {code ?? "NotFound"}: {server}).", status, code);
            case 409 when server?.Contains(RunCommandBusyMarker, StringComparison.OrdinalIgnoreCase) == true:
                return new(
                    AzureErrorKind.Unreachable,
                    $"Could not {action}: another Run Command was still running on the VM after repeated retries (409 Conflict); run again once it finishes (Run Command scripts time out after 90 minutes).",
                    status,
                    code);
            case 409 when code == "OperationNotAllowed":
                return new(
                    AzureErrorKind.Unreachable,
                    $"Could not {action}: the VM is not running (409 OperationNotAllowed: {server}); start it and run again.",
                    status,
                    code);
            case 429:
                return new(
                    AzureErrorKind.Failed,
                    $"Could not {action}: Azure throttled the request (429 {code}) and it still failed after the SDK's retries; lower --max-parallel or run again later.",
                    status,
                    code);
            case >= 500:
                return new(AzureErrorKind.Failed, $"Could not {action}: Azure answered {status} {code} ({server}) after retries; run again later.", status, code);
            case 200 or 201 or 202 when code is not null:
                // A long-running operation that ended Failed: the status body carried the error.
                return new(AzureErrorKind.Failed, $"Could not {action}: the operation failed ({code}: {server}).", status, code);
            default:
                return new(AzureErrorKind.Failed, $"Could not {action}: Azure answered {status} {code} ({server}).", status, code);
        }
    }

    private static AzureFailure TranslateTransport(Exception e, string action)
    {
        var endpoint = FindInChain<ArmTransportException>(e)?.Endpoint?.ToString() ?? "(unknown)";
        if (FindInChain<AuthenticationException>(e) is { } tls)
        {
            return new(
                AzureErrorKind.Connection,
                $"Could not {action}: the TLS certificate of ARM endpoint {endpoint} is not trusted ({FirstLine(tls.Message)}); add its CA to the system trust store or point SSL_CERT_FILE at a CA bundle that contains it.");
        }

        var reason = FindInChain<System.Net.Sockets.SocketException>(e)?.Message
            ?? FindInChain<HttpRequestException>(e)?.Message
            ?? e.Message;
        return new(AzureErrorKind.Connection, $"Could not reach ARM endpoint {endpoint}: {FirstLine(reason)} (while trying to {action}).");
    }

    private static string DescribeUnavailableCredential(CredentialUnavailableException e, string action)
    {
        var message = e.Message;
        var advice = message switch
        {
            _ when message.StartsWith("AzureCliCredential", StringComparison.Ordinal) =>
                "--auth cli found no usable Azure CLI sign-in; run 'az login' (and 'az account set'), or choose another --auth",
            _ when message.StartsWith("ManagedIdentityCredential", StringComparison.Ordinal) =>
                "--auth managed-identity found no managed identity; run on an Azure resource that has one (set AZURE_CLIENT_ID for a user-assigned identity), or choose another --auth",
            _ when message.StartsWith("WorkloadIdentityCredential", StringComparison.Ordinal) =>
                "--auth workload-identity is not configured; set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE, or choose another --auth",
            _ when message.StartsWith("EnvironmentCredential", StringComparison.Ordinal) =>
                "--auth environment is not configured; set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH), or choose another --auth",
            _ => "--auth default found no credential in its chain; run 'az login', or choose --auth cli|managed-identity|workload-identity|environment|token explicitly",
        };
        return $"Could not {action}: {advice}.";
    }

    /// <summary>The error code and message from the response body (an ARM error envelope or an LRO status body).</summary>
    private static (string? Code, string? Message) ReadError(RequestFailedException e)
    {
        var code = e.ErrorCode;
        string? message = null;
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content is not null && content.ToMemory().Length > 0)
            {
                using var document = JsonDocument.Parse(content.ToMemory());
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("error", out var error)
                    && error.ValueKind == JsonValueKind.Object)
                {
                    if (error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        code ??= c.GetString();
                    }

                    if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        message = m.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the exception text.
        }
        catch (InvalidOperationException)
        {
            // Content not buffered.
        }

        return (code, message ?? FirstLine(e.Message));
    }

    private static T? FindInChain<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > MaxServerMessage ? line[..MaxServerMessage] + "…" : line;
    }

    private static string? Trim(string? text) => text is null ? null : FirstLine(text).TrimEnd('.');

    /// <summary>
    /// The policy assignment and definition a RequestDisallowedByPolicy names: from <c>error.additionalInfo[]</c> of type
    /// PolicyViolation (<c>info.policyAssignmentDisplayName</c>/<c>policyAssignmentName</c>/<c>policyAssignmentId</c>, the
    /// same for the definition), else from the message's "Policy identifiers" JSON, else the message itself.
    /// </summary>
    private static string DescribePolicy(RequestFailedException e, string? server)
    {
        string? assignment = null, definition = null;
        if (ReadErrorElement(e) is { } error
            && error.TryGetProperty("additionalInfo", out var infos) && infos.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in infos.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("info", out var info) && info.ValueKind == JsonValueKind.Object)
                {
                    assignment ??= Text(info, "policyAssignmentDisplayName") ?? Text(info, "policyAssignmentName") ?? Text(info, "policyAssignmentId");
                    definition ??= Text(info, "policyDefinitionDisplayName") ?? Text(info, "policyDefinitionName") ?? Text(info, "policyDefinitionId");
                }
            }
        }

        var raw = ReadError(e).Message ?? string.Empty;
        foreach (Match match in PolicyPart().Matches(raw))
        {
            if (match.Groups["kind"].Value == "policyAssignment")
            {
                assignment ??= match.Groups["name"].Value;
            }
            else
            {
                definition ??= match.Groups["name"].Value;
            }
        }

        if (assignment is null && definition is null && PolicyIdentifiers().Match(raw) is { Success: true } ids)
        {
            definition = ids.Groups["ids"].Value;
        }

        return (assignment, definition) switch
        {
            (not null, not null) => $"policy assignment '{assignment}' of definition '{definition}'",
            (not null, null) => $"policy assignment '{assignment}'",
            (null, not null) => $"policy '{definition}'",
            _ => $"a policy: {server}",
        };

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
    }

    private static JsonElement? ReadErrorElement(RequestFailedException e)
    {
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().Length == 0)
            {
                return null;
            }

            using var document = JsonDocument.Parse(content.ToMemory());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                ? error.Clone()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // Learn "Troubleshoot Azure RBAC" / arm-shapes.md 3.6: "... does not have authorization to perform action 'X' over
    // scope 'Y' or the scope is invalid."
    [GeneratedRegex(@"does not have authorization to perform action '(?<action>[^']+)'(?: over scope '(?<scope>[^']+)')?")]
    private static partial Regex MissingPermission();

    // "Policy identifiers: '[{"policyAssignment":{"name":"…","id":"…"},"policyDefinition":{"name":"…","id":"…"}}]'"
    [GeneratedRegex(@"""(?<kind>policyAssignment|policyDefinition)""\s*:\s*\{\s*""name""\s*:\s*""(?<name>[^""]+)""")]
    private static partial Regex PolicyPart();

    // The older form: "... is disallowed by one or more policies. Policy identifier(s): '/subscriptions/…/policyDefinitions/x'."
    [GeneratedRegex(@"Policy identifier\(s\): '(?<ids>[^']+)'")]
    private static partial Regex PolicyIdentifiers();
}
