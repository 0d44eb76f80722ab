namespace AzureRdsFix.Azure.Errors;

/// <summary>The VM agent did not become Ready within the allowed time. The message is one sentence for the operator.</summary>
public sealed class AgentNotReadyException : Exception
{
    public AgentNotReadyException()
    {
    }

    public AgentNotReadyException(string message)
        : base(message)
    {
    }

    public AgentNotReadyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
