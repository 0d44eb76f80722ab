using System.Security.Cryptography.X509Certificates;

namespace AzureRdsFix.Azure.Connection;

/// <summary>--auth: which credential signs the ARM calls.</summary>
public enum AuthMode
{
    Default,
    Cli,
    ManagedIdentity,
    WorkloadIdentity,
    Environment,
    Token,
}

/// <summary>--cloud: the Azure cloud whose ARM endpoint and Entra authority are used.</summary>
public enum AzureCloudName
{
    AzureCloud,
    AzureChinaCloud,
    AzureUSGovernment,
}

/// <summary>
/// How to reach ARM. <see cref="ArmEndpoint"/> overrides the cloud's endpoint (the simulator, Azure Stack Hub, a test fake).
/// <see cref="PinnedCertificate"/> is for the built-in simulator only: a server certificate is accepted when normal
/// validation passes or when it is exactly this certificate; nothing else relaxes TLS.
/// </summary>
public sealed record ConnectionOptions
{
    public AzureCloudName Cloud { get; init; } = AzureCloudName.AzureCloud;

    public Uri? ArmEndpoint { get; init; }

    /// <summary>
    /// --audience: the token audience for a custom <see cref="ArmEndpoint"/> (the scope asked for is
    /// <c>{audience}/.default</c>, as the SDK's ArmEnvironment forms it). Null: read from the endpoint's
    /// <c>/metadata/endpoints</c>, else the cloud's own audience.
    /// </summary>
    public string? Audience { get; init; }

    public string? TenantId { get; init; }

    public AuthMode Auth { get; init; } = AuthMode.Default;

    public X509Certificate2? PinnedCertificate { get; init; }

    /// <summary>
    /// How long one HTTP attempt may wait for a response (the SDK's network timeout; the endpoint probe waits at most
    /// 20 s of it). A run sets it to its --step-timeout when that is shorter, so a hung endpoint cannot outlast a step.
    /// </summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>SDK transport retries (429/5xx/network) per call.</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    // No cap on a server's Retry-After: Azure.Core waits the full Retry-After (it overrides RetryOptions.MaxDelay), as
    // ARM asks ("Every throttling error includes the Retry-After header", Learn: troubleshooting-throttling-errors).
    // Retrying sooner only draws more 429s from the same budget. A step stays bounded by --step-timeout, which cancels
    // the wait.

    /// <summary>Paces every attempt by Azure's budgets and learns them from responses (null: the SDK's pipeline only).</summary>
    public Scheduling.AzureScheduler? Scheduler { get; init; }

    /// <summary>The ARM endpoint these options resolve to, for messages.</summary>
    public Uri ResolvedEndpoint => ArmEndpoint ?? Cloud switch
    {
        AzureCloudName.AzureChinaCloud => new Uri("https://management.chinacloudapi.cn/"),
        AzureCloudName.AzureUSGovernment => new Uri("https://management.usgovcloudapi.net/"),
        _ => new Uri("https://management.azure.com/"),
    };
}
