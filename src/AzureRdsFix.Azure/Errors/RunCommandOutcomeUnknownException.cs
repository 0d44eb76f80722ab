namespace AzureRdsFix.Azure.Errors;

/// <summary>
/// A Run Command failed in a way that leaves open whether Azure started the script (a 5xx or a lost connection on the
/// POST, or while its status was read). It is not sent again; the message is one sentence for the operator.
/// </summary>
public sealed class RunCommandOutcomeUnknownException : Exception
{
    public RunCommandOutcomeUnknownException()
    {
    }

    public RunCommandOutcomeUnknownException(string message)
        : base(message)
    {
    }

    public RunCommandOutcomeUnknownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
