namespace AzureRdsFix.Azure.Errors;

/// <summary>How a failure bears on the outcome: the CLI maps these to VM outcomes and exit codes.</summary>
public enum AzureErrorKind
{
    /// <summary>A step failed (404, 5xx, throttled after retries, snapshot not Succeeded, …): outcome Failed.</summary>
    Failed,

    /// <summary>The VM cannot run anything in-guest right now (not running, agent not ready, Run Command busy): outcome Unreachable.</summary>
    Unreachable,

    /// <summary>Authentication or authorization (401, 403, no credential): exit code 3 when it is not confined to one scope.</summary>
    Auth,

    /// <summary>ARM itself could not be reached (DNS, refused, TLS not trusted): a tool failure, exit code 3.</summary>
    Connection,
}

/// <summary>An exception translated for the operator: one sentence and a classification.</summary>
public sealed record AzureFailure(AzureErrorKind Kind, string Message, int? Status = null, string? Code = null);
