using Azure.Core;

namespace AzureRdsFix.Azure.Connection;

/// <summary>--auth token: a bearer token handed over by the caller. Its value never appears in ToString or messages.</summary>
public sealed class StaticTokenCredential(string token) : TokenCredential
{
    private readonly AccessToken _token = new(token, DateTimeOffset.UtcNow.AddHours(1));

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => _token;

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_token);

    public override string ToString() => nameof(StaticTokenCredential);
}
