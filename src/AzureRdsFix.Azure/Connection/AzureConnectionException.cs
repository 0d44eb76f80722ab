namespace AzureRdsFix.Azure.Connection;

/// <summary>The connection options cannot work as given; the message is one sentence for the operator.</summary>
public sealed class AzureConnectionException : Exception
{
    public AzureConnectionException()
    {
    }

    public AzureConnectionException(string message)
        : base(message)
    {
    }

    public AzureConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
