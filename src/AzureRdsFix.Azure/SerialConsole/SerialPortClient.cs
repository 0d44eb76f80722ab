using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.ResourceManager;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// The two Microsoft.SerialConsole ARM calls, sent through the run's own ArmClient pipeline (same credential, retries,
/// transport and error translation as every other call). Shapes from azure-rest-api-specs
/// specification/serialconsole/…/stable/2024-07-01 (serialport.json, serialconsole.json).
/// </summary>
internal sealed class SerialPortClient(ArmClient client, ResourceIdentifier vmId) : ArmResource(client, vmId)
{
    public const string ApiVersion = "2024-07-01";

    /// <summary><c>GET /subscriptions/{sub}/providers/Microsoft.SerialConsole/consoleServices/default</c> → <c>properties.disabled</c>.</summary>
    /// <remarks>
    /// A check the az extension makes before connecting (S3), not a gate: when the identity may not read the switch (403)
    /// or the provider does not answer it (404), the answer is "not known to be disabled" and connect decides.
    /// </remarks>
    public async Task<bool> IsConsoleDisabledAsync(CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await SendAsync(RequestMethod.Get, $"/subscriptions/{Id.SubscriptionId}/providers/Microsoft.SerialConsole/consoleServices/default", cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 403 or 404)
        {
            return false;
        }

        using var _ = document;
        return document.RootElement.TryGetProperty("properties", out var properties)
            && properties.TryGetProperty("disabled", out var disabled)
            && disabled.ValueKind == JsonValueKind.True;
    }

    /// <summary><c>POST {vm}/providers/Microsoft.SerialConsole/serialPorts/0/connect</c> → <c>connectionString</c> (a wss:// URL).</summary>
    public async Task<Uri> ConnectAsync(CancellationToken cancellationToken)
    {
        using var document = await SendAsync(RequestMethod.Post, $"{Id}/providers/Microsoft.SerialConsole/serialPorts/0/connect", cancellationToken);
        if (document.RootElement.TryGetProperty("connectionString", out var value)
            && value.GetString() is { } text
            && Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && uri.Scheme is "wss")
        {
            return uri;
        }

        throw new SerialConsoleException(SerialFailure.Protocol, "the serial port connect call answered without a wss:// connectionString");
    }

    private async Task<JsonDocument> SendAsync(RequestMethod method, string path, CancellationToken cancellationToken)
    {
        using var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        var uri = new RequestUriBuilder();
        uri.Reset(Endpoint);
        uri.AppendPath(path, false);
        uri.AppendQuery("api-version", ApiVersion, true);
        request.Uri = uri;
        request.Headers.Add("Accept", "application/json");
        if (method == RequestMethod.Post)
        {
            // The spec has no body; the F5 script sends {} (S16). An empty object is accepted either way.
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create("{}"u8.ToArray());
        }

        await Pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.IsError)
        {
            throw new RequestFailedException(response);
        }

        return JsonDocument.Parse(response.Content.ToMemory());
    }
}
