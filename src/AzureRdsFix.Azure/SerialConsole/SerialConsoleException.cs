namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>How a serial console session failed; the pipeline maps refusals and login failures to Unreachable, the rest to Failed.</summary>
public enum SerialFailure
{
    /// <summary>A wait for an expected prompt or marker ran out of time.</summary>
    Timeout,

    /// <summary>The websocket closed while the tool was still using it.</summary>
    SessionLost,

    /// <summary>SAC or cmd answered something the driver cannot continue from (cmd not launched, echo mismatch, a command's exit code).</summary>
    Protocol,

    /// <summary>The guest refused the serial console login.</summary>
    LoginFailed,

    /// <summary>Azure refused the console before any session (console disabled, boot diagnostics off, no permission, no credentials).</summary>
    Refused,
}

/// <summary>A serial console session failed. The message is one sentence for the operator and never holds a credential.</summary>
public sealed class SerialConsoleException : Exception
{
    public SerialConsoleException()
    {
    }

    public SerialConsoleException(string message)
        : base(message)
    {
    }

    public SerialConsoleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SerialConsoleException(SerialFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public SerialFailure Failure { get; } = SerialFailure.Protocol;
}
