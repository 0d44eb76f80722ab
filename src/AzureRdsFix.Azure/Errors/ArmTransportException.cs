namespace AzureRdsFix.Azure.Errors;

/// <summary>A transport failure (DNS, connection refused, TLS) tagged with the endpoint it was trying to reach.</summary>
public sealed class ArmTransportException : HttpRequestException
{
    public ArmTransportException()
    {
    }

    public ArmTransportException(string message)
        : base(message)
    {
    }

    public ArmTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ArmTransportException(Uri endpoint, HttpRequestException inner)
        : base(inner.HttpRequestError, inner.Message, inner, inner.StatusCode)
    {
        Endpoint = endpoint;
    }

    public Uri? Endpoint { get; }
}
