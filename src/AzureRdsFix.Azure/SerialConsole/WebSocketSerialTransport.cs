using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using AzureRdsFix.Azure.Connection;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// The serial console websocket (reference/serial-console.md §2): open the bare connection string, wait for the
/// gateway's first frame (a challenge, never shown), answer with the ARM access token as a text message, then exchange
/// text frames. A background pump reads the socket, so a caller's timed-out wait does not abort the session. Neither the
/// token nor the traffic is logged.
/// </summary>
public sealed class WebSocketSerialTransport : ISerialTransport
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<string?> _incoming = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _pumpStop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _pump = Task.CompletedTask;

    private WebSocketSerialTransport(ClientWebSocket socket) => _socket = socket;

    public static async Task<WebSocketSerialTransport> ConnectAsync(Uri connectionString, string accessToken, X509Certificate2? pinnedCertificate, TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var socket = new ClientWebSocket();
        if (pinnedCertificate is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ArmClientFactory.ValidateServerCertificate(certificate, errors, pinnedCertificate);
        }

        var transport = new WebSocketSerialTransport(socket);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(handshakeTimeout);
            await socket.ConnectAsync(connectionString, timeout.Token);
            var challenge = await transport.ReceiveFrameAsync(timeout.Token);
            if (challenge is null)
            {
                throw new SerialConsoleException(SerialFailure.SessionLost, $"the serial console gateway closed the connection before the handshake ({socket.CloseStatus} {socket.CloseStatusDescription})");
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes(accessToken), WebSocketMessageType.Text, true, timeout.Token);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }

        transport._pump = transport.PumpAsync();
        return transport;
    }

    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            // Text frames, as the az extension sends them (S2, S3).
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SerialConsoleException(SerialFailure.SessionLost, "the serial console session was lost while typing", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (await _incoming.Reader.WaitToReadAsync(cancellationToken) && _incoming.Reader.TryRead(out var text))
        {
            if (text is null)
            {
                _incoming.Writer.TryWrite(null);
            }

            return text;
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _pumpStop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, close.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Closing a session that is already gone.
        }

        _socket.Abort();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
            // Stopped above.
        }

        _socket.Dispose();
        _pumpStop.Dispose();
        _sendLock.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var text = await ReceiveFrameAsync(_pumpStop.Token);
                _incoming.Writer.TryWrite(text);
                if (text is null)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _incoming.Writer.TryWrite(null);
        }
    }

    private async Task<string?> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                // The gateway's bytes are not always valid UTF-8 (the az extension skips validation): decode leniently.
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
