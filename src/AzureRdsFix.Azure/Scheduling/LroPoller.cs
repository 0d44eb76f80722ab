using Azure;

namespace AzureRdsFix.Azure.Scheduling;

/// <summary>
/// Waits for a long-running operation started with <c>WaitUntil.Started</c> by reading its status when the scheduler
/// says (<see cref="AzureScheduler.PollDelay"/>) instead of the SDK's fixed 1, 1, 1, 2, 4, 8, 16, 32 s back-off, which
/// sees a 20–35 s Run Command up to ~30 s late. Each read is <see cref="Operation.UpdateStatusAsync(CancellationToken)"/>,
/// which throws as WaitForCompletion would when the operation fails.
/// </summary>
public sealed class LroPoller(AzureScheduler scheduler)
{
    public AzureScheduler Scheduler => scheduler;

    public async Task WaitAsync(Operation operation, string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var time = scheduler.Time;
        var started = time.GetTimestamp();
        using var polling = scheduler.TrackPoller(subscriptionId);
        while (!operation.HasCompleted)
        {
            var response = operation.GetRawResponse();
            var retryAfter = scheduler.RetryAfter(name => response.Headers.TryGetValue(name, out var value) ? value : null);
            var delay = scheduler.PollDelay(subscriptionId, time.GetElapsedTime(started), retryAfter);
            await Task.Delay(delay, time, cancellationToken);
            await operation.UpdateStatusAsync(cancellationToken);
        }
    }

    public async Task<T> WaitAsync<T>(Operation<T> operation, string subscriptionId, CancellationToken cancellationToken)
        where T : notnull
    {
        await WaitAsync((Operation)operation, subscriptionId, cancellationToken);
        return operation.Value;
    }
}
