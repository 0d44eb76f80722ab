using Azure.Core;
using Azure.Core.Pipeline;

namespace AzureRdsFix.Azure.Connection;

/// <summary>
/// Azure.Core's retry (429/5xx/transport, Retry-After honoured) for everything except the non-idempotent action Run
/// Command POST (<c>…/virtualMachines/{vm}/runCommand</c>): a 5xx or a lost connection there can come after Compute
/// accepted the command (arm-shapes.md 1.2: gateway errors), and resending would run the script a second time. That
/// POST is retried only on 429, which ARM answers before accepting anything; any other failure goes to the caller,
/// which treats the outcome as unknown (<see cref="Errors.RunCommandOutcomeUnknownException"/>).
/// </summary>
public sealed class ArmRetryPolicy(int maxRetries, DelayStrategy delayStrategy) : RetryPolicy(maxRetries, delayStrategy)
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception)
        => IsRunCommandAction(message) ? IsThrottled(message, exception) && base.ShouldRetry(message, exception) : base.ShouldRetry(message, exception);

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception)
        => IsRunCommandAction(message) ? IsThrottled(message, exception) && await base.ShouldRetryAsync(message, exception) : await base.ShouldRetryAsync(message, exception);

    public static bool IsRunCommandAction(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Request.Method == RequestMethod.Post
            && message.Request.Uri.Path.TrimEnd('/').EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsThrottled(HttpMessage message, Exception? exception) =>
        exception is null && message.HasResponse && message.Response.Status == 429;
}
