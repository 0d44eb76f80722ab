using AzureRdsFix.Azure.Errors;

namespace AzureRdsFix.Azure.Connection;

/// <summary>Tags transport failures with the endpoint (scheme + authority) so the operator sentence can name it.</summary>
public sealed class TransportFailureHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e is not ArmTransportException && request.RequestUri is { } uri)
        {
            throw new ArmTransportException(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), e);
        }
    }
}
