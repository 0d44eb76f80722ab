using Azure.Core;

namespace AzureRdsFix.Azure.Connection;

/// <summary>
/// --auth token: a bearer token handed over by the caller. Its value never appears in ToString or messages. Its expiry is
/// the JWT's own <c>exp</c> claim; an opaque (non-JWT) token has no readable expiry and is assumed valid until ARM
/// refuses it (<see cref="ExpiryKnown"/> is then false). Asked for after its expiry, it reports the expiry once and
/// throws <see cref="AccessTokenExpiredException"/> instead of sending a call ARM would refuse.
/// </summary>
public sealed class StaticTokenCredential : TokenCredential
{
    /// <summary>What Azure.Core is told of an opaque token: far enough ahead that it never asks to refresh it.</summary>
    private static readonly TimeSpan OpaqueValidity = TimeSpan.FromDays(1);

    private readonly string _token;
    private readonly TimeProvider _time;
    private readonly AccessTokenExpiry? _expiry;

    public StaticTokenCredential(string token, TimeProvider? time = null, AccessTokenExpiry? expiry = null)
    {
        _token = token;
        _time = time ?? TimeProvider.System;
        _expiry = expiry;
        ExpiresOn = AccessTokens.ReadJwtExpiry(token);
    }

    /// <summary>The token's own expiry (JWT <c>exp</c>), or null for an opaque token.</summary>
    public DateTimeOffset? ExpiresOn { get; }

    public bool ExpiryKnown => ExpiresOn is not null;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (ExpiresOn is { } expires && now >= expires)
        {
            var message = ExpiredMessage(expires);
            _expiry?.Report(message);
            throw new AccessTokenExpiredException(message);
        }

        return new AccessToken(_token, ExpiresOn ?? now + OpaqueValidity);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    public override string ToString() => nameof(StaticTokenCredential);

    public static string ExpiredMessage(DateTimeOffset expires) =>
        $"The access token in {ArmClientFactory.AccessTokenVariable} expired at {AccessTokens.Format(expires)}; get a new one (e.g. 'az account get-access-token --query accessToken -o tsv') and run again.";
}

/// <summary>The --auth token bearer token has expired; the message is one sentence for the operator.</summary>
public sealed class AccessTokenExpiredException : Exception
{
    public AccessTokenExpiredException()
    {
    }

    public AccessTokenExpiredException(string message)
        : base(message)
    {
    }

    public AccessTokenExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
