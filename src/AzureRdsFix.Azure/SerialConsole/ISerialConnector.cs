using System.Security.Cryptography.X509Certificates;
using Azure.Core;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>Opens the session behind a connection string.</summary>
public interface ISerialConnector
{
    Task<ISerialTransport> ConnectAsync(Uri connectionString, CancellationToken cancellationToken);
}

/// <summary>
/// The websocket connector: gets an ARM access token from the run's credential for the challenge answer
/// (the az extension uses the ARM token, S3, S21) and trusts the pinned certificate when the run has one.
/// </summary>
public sealed class WebSocketSerialConnector(TokenCredential credential, string armScope, X509Certificate2? pinnedCertificate) : ISerialConnector
{
    public async Task<ISerialTransport> ConnectAsync(Uri connectionString, CancellationToken cancellationToken)
    {
        var token = await credential.GetTokenAsync(new TokenRequestContext([armScope]), cancellationToken);
        return await WebSocketSerialTransport.ConnectAsync(connectionString, token.Token, pinnedCertificate, TimeSpan.FromSeconds(30), cancellationToken);
    }
}
