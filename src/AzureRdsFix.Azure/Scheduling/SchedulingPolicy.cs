using Azure.Core;
using Azure.Core.Pipeline;

namespace AzureRdsFix.Azure.Scheduling;

/// <summary>
/// The scheduler in the SDK's pipeline, once per try (HttpPipelinePosition.PerRetry): each attempt waits for its budgets
/// before it is sent, and every response — success, 429 or error — corrects them. A retry the SDK makes after a 429 so
/// waits for the whole Retry-After on the scheduler's clock, and so does every other request on the same bucket.
/// </summary>
public sealed class SchedulingPolicy(AzureScheduler scheduler) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tickets = await scheduler.AcquireAsync(Shape(message), message.CancellationToken);
        await ProcessNextAsync(message, pipeline);
        Observe(message, tickets);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        // The tool makes no synchronous calls; should one appear it is paced the same way.
        var tickets = scheduler.AcquireAsync(Shape(message), message.CancellationToken).AsTask().GetAwaiter().GetResult();
        ProcessNext(message, pipeline);
        Observe(message, tickets);
    }

    private static RequestShape Shape(HttpMessage message) =>
        RequestShape.Classify(message.Request.Method.Method, message.Request.Uri.Path);

    private void Observe(HttpMessage message, AzureScheduler.Tickets tickets)
    {
        if (!message.HasResponse)
        {
            return;
        }

        var headers = message.Response.Headers;
        scheduler.Observe(tickets, message.Response.Status, name => headers.TryGetValue(name, out var value) ? value : null);
    }
}
