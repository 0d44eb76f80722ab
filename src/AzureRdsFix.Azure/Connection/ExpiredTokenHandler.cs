namespace AzureRdsFix.Azure.Connection;

/// <summary>
/// Sees ARM's own verdict on the token: a 401 whose error code is ExpiredAuthenticationToken (arm-shapes.md 3.8:
/// "The access token expiry UTC time '…' is earlier than current UTC time '…'", x-ms-failure-cause: gateway) reports the
/// expiry once, so the run stops instead of collecting a 401 per remaining call. This covers opaque tokens, whose
/// expiry the tool cannot read, and clocks that disagree.
/// </summary>
public sealed class ExpiredTokenHandler(AccessTokenExpiry expiry, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string ExpiredCode = "ExpiredAuthenticationToken";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains($"\"{ExpiredCode}\"", StringComparison.Ordinal))
            {
                expiry.Report($"ARM refused the access token as expired (401 {ExpiredCode}); sign in again or, for --auth token, put a fresh token in {ArmClientFactory.AccessTokenVariable}, then run again.");
            }
        }

        return response;
    }
}
