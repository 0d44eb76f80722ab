namespace AzureRdsFix.Azure.Errors;

/// <summary>The guest channel refused to run a script because the VM cannot run one now (triage). The message is one sentence for the operator.</summary>
public sealed class GuestChannelRefusedException : Exception
{
    public GuestChannelRefusedException()
    {
    }

    public GuestChannelRefusedException(string message)
        : base(message)
    {
    }

    public GuestChannelRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
