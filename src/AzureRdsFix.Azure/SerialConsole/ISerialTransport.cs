namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// The text stream of one serial console session: what the guest prints, and what is typed into it. The websocket is
/// one implementation; tests use recorded transcripts.
/// </summary>
public interface ISerialTransport : IAsyncDisposable
{
    /// <summary>Types <paramref name="text"/> into the console exactly as given (no line ending added).</summary>
    Task SendAsync(string text, CancellationToken cancellationToken);

    /// <summary>The next piece of console output, or null once the session is closed. Cancelling a wait leaves the session usable.</summary>
    Task<string?> ReceiveAsync(CancellationToken cancellationToken);
}
