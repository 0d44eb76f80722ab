namespace AzureRdsFix.Azure.Errors;

/// <summary>A snapshot did not reach provisioningState Succeeded. The message is one sentence for the operator.</summary>
public sealed class SnapshotNotSucceededException : Exception
{
    public SnapshotNotSucceededException()
    {
    }

    public SnapshotNotSucceededException(string message)
        : base(message)
    {
    }

    public SnapshotNotSucceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
