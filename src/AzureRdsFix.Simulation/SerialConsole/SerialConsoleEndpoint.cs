using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;
using Microsoft.AspNetCore.Http;

namespace AzureRdsFix.Simulation.SerialConsole;

/// <summary>
/// The Microsoft.SerialConsole calls (reference/serial-console.md §1: the subscription switch <c>consoleServices/default</c>
/// and <c>…/serialPorts/0/connect</c> → <c>connectionString</c>) and the websocket behind the connection string: the
/// server speaks first (a challenge), the client's first text message must be a token, then SAC runs.
/// </summary>
internal sealed class SerialConsoleEndpoint(SimulationState state, SerialConsoleSimulation console)
{
    public const string ApiVersion = "2024-07-01";
    public const string ConnectAction = "Microsoft.SerialConsole/serialPorts/connect/action";
    private const string SessionPrefix = "/serialconsole/sessions/";

    public static bool Handles(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        return path.Contains("/providers/Microsoft.SerialConsole/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(SessionPrefix, StringComparison.OrdinalIgnoreCase);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith(SessionPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await SessionAsync(context, path[SessionPrefix.Length..].Split('/')[0]);
            return;
        }

        var reply = Answer(context.Request, path);
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        if (reply.Body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(reply.Body);
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(bytes);
        }
    }

    private ArmReply Answer(HttpRequest request, string path)
    {
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ArmErrors.Unauthenticated();
        }

        if (request.Query["api-version"].ToString() is not ("2018-05-01" or "2023-01-01" or ApiVersion))
        {
            return ArmErrors.Error(400, "InvalidApiVersionParameter", $"The api-version '{request.Query["api-version"]}' is invalid. The supported versions are '2018-05-01,2023-01-01,2024-07-01'.");
        }

        var s = path.Trim('/').Split('/');
        bool Is(int i, string text) => i < s.Length && string.Equals(s[i], text, StringComparison.OrdinalIgnoreCase);
        if (!Is(0, "subscriptions") || s.Length < 2)
        {
            return ArmErrors.NoRoute(request.Method, path);
        }

        var subscription = state.Fleet.Subscription(s[1]);
        if (subscription is null)
        {
            return ArmErrors.SubscriptionNotFound(s[1]);
        }

        // GET /subscriptions/{sub}/providers/Microsoft.SerialConsole/consoleServices/default
        if (s.Length == 6 && request.Method == "GET" && Is(4, "consoleServices") && Is(5, "default"))
        {
            return ArmReply.Ok(new JsonObject { ["properties"] = new JsonObject { ["disabled"] = console.IsDisabled(subscription.Id) } });
        }

        // POST …/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/providers/Microsoft.SerialConsole/serialPorts/0/connect
        if (s.Length == 13 && request.Method == "POST" && Is(2, "resourceGroups") && Is(6, "virtualMachines") && Is(10, "serialPorts") && s[11] == "0" && Is(12, "connect"))
        {
            var vm = subscription.Vm(s[3], s[7]);
            if (vm is null)
            {
                return ArmErrors.ResourceNotFound("Microsoft.Compute/virtualMachines", s[7], s[3]);
            }

            if (subscription.Forbidden || vm.SerialConsole.ConnectForbidden)
            {
                return ArmErrors.Forbidden(ConnectAction, vm.Id);
            }

            // What connect itself answers in these cases is unconfirmed (reference §1): the tool checks them first, as the az extension does.
            if (console.IsDisabled(subscription.Id))
            {
                return ArmErrors.Error(403, "SubscriptionNotEnabled", $"Serial console is disabled for subscription {subscription.Id}.");
            }

            if (!vm.SerialConsole.BootDiagnostics)
            {
                return ArmErrors.Error(400, "BootDiagnosticsNotEnabled", "Azure Serial Console requires boot diagnostics to be enabled.");
            }

            if (vm.Power != PowerState.Running)
            {
                return ArmErrors.VmNotRunning();
            }

            var id = console.NewSession(vm);
            var host = request.Host.ToString();
            return ArmReply.Ok(new JsonObject { ["connectionString"] = $"wss://{host}{SessionPrefix}{id}/client" });
        }

        return ArmErrors.NoRoute(request.Method, path);
    }

    private async Task SessionAsync(HttpContext context, string sessionId)
    {
        var vm = console.TakeSession(sessionId);
        if (!context.WebSockets.IsWebSocketRequest || vm is null)
        {
            context.Response.StatusCode = vm is null ? 404 : 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var aborted = context.RequestAborted;
        var sendLock = new SemaphoreSlim(1, 1);
        async Task SendAsync(string text)
        {
            await sendLock.WaitAsync(aborted);
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, aborted);
            }
            finally
            {
                sendLock.Release();
            }
        }

        // The gateway speaks first; the client answers with its ARM token (S3, S16). Nothing of the challenge is shown.
        await SendAsync("{\"challenge\":\"" + Guid.NewGuid().ToString("N") + "\"}");
        var buffer = new byte[8192];
        var first = await ReceiveTextAsync(socket, buffer, aborted);
        if (string.IsNullOrWhiteSpace(first))
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Authorization token missing", aborted);
            return;
        }

        using var session = new SacSession(vm, console, SendAsync);
        console.Attach(vm.Id, session);
        try
        {
            await session.StartAsync();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, session.Ended);
            while (true)
            {
                var text = await ReceiveTextAsync(socket, buffer, linked.Token);
                if (text is null)
                {
                    break;
                }

                await session.InputAsync(text);
                if (session.Ended.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disconnected by a second connection or a fault, or the client went away.
        }
        catch (WebSocketException)
        {
            // The client went away.
        }
        finally
        {
            console.Detach(vm.Id, session);
            if (session.Ended.IsCancellationRequested)
            {
                socket.Abort();
            }
            else if (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
    }

    private static async Task<string?> ReceiveTextAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
