using System.Globalization;
using System.Net.Http.Headers;

namespace AzureRdsFix.Azure.Connection;

/// <summary>
/// Caps a server's Retry-After (and the retry-after-ms variants) before Azure.Core reads it.
/// Azure.Core lets a server Retry-After override RetryOptions.MaxDelay ("If the service provides a Retry-After response
/// header, the next retry will be delayed by the duration specified by the header value"); its RetryPolicy delay hooks
/// are internal and DelayStrategy.GetNextDelay is not virtual, so the header is the one place to bound it. Compute
/// throttling answers Retry-After: 1200, which would otherwise park a fleet worker for 20 minutes per call; the
/// original value is kept in <see cref="Scheduling.AzureScheduler.OriginalRetryAfterHeader"/>, so the scheduler still
/// holds back the budget it names for the whole time (and the tool's own LRO polling waits for it in full).
/// </summary>
public sealed class RetryAfterCapHandler(TimeSpan cap, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly string[] MillisecondHeaders = ["retry-after-ms", "x-ms-retry-after-ms"];

    public TimeSpan Cap { get; } = cap;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        CapRetryAfter(response, Cap, DateTimeOffset.UtcNow);
        return response;
    }

    public static void CapRetryAfter(HttpResponseMessage response, TimeSpan cap, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : null);
        if (delay > cap)
        {
            // The scheduler still honours the whole wait for the budget it names; only the SDK's retry is bounded.
            response.Headers.TryAddWithoutValidation(Scheduling.AzureScheduler.OriginalRetryAfterHeader, ((long)Math.Ceiling(delay.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            response.Headers.RetryAfter = new RetryConditionHeaderValue(cap);
        }

        foreach (var name in MillisecondHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values)
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
                && ms > cap.TotalMilliseconds)
            {
                response.Headers.Remove(name);
                response.Headers.TryAddWithoutValidation(name, cap.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
