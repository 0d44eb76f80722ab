using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;

namespace AzureRdsFix.Azure.Connection;

/// <summary>Builds the one <see cref="ArmClient"/> a run uses: endpoint, credential, fleet-sized retries, TLS.</summary>
public static class ArmClientFactory
{
    /// <summary>The environment variable <c>--auth token</c> reads its bearer token from.</summary>
    public const string AccessTokenVariable = "AZRDSFIX_ACCESS_TOKEN";

    /// <summary>The Azure Stack Hub / az cli metadata document of an ARM endpoint (<c>authentication.audiences[0]</c>).</summary>
    public const string MetadataPath = "metadata/endpoints?api-version=2015-01-01";

    /// <summary>Connections kept to the ARM endpoint at most.</summary>
    public const int MaxConnections = 96;

    /// <exception cref="AzureConnectionException">The options cannot produce a client (e.g. the token variable is unset).</exception>
    public static ArmClient Create(ConnectionOptions options, Func<string, string?> getEnvironmentVariable)
        => Create(options, getEnvironmentVariable, TimeProvider.System, expiry: null);

    /// <summary>
    /// <paramref name="expiry"/> is told when the token is found expired during the run (by its own expiry or by ARM's
    /// 401 ExpiredAuthenticationToken); a token already expired now is refused here.
    /// </summary>
    /// <exception cref="AzureConnectionException">The options cannot produce a client (token unset or already expired, …).</exception>
    public static ArmClient Create(ConnectionOptions options, Func<string, string?> getEnvironmentVariable, TimeProvider time, AccessTokenExpiry? expiry)
    {
        ArgumentNullException.ThrowIfNull(time);
        var credential = CreateCredential(options, getEnvironmentVariable, time, expiry);
        return new ArmClient(credential, defaultSubscriptionId: null, CreateClientOptions(options, expiry));
    }

    public static ArmClientOptions CreateClientOptions(ConnectionOptions options, AccessTokenExpiry? expiry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        HttpMessageHandler handler = new TransportFailureHandler(CreateHandler(options.PinnedCertificate));
        if (expiry is not null)
        {
            handler = new ExpiredTokenHandler(expiry, handler);
        }

        var clientOptions = new ArmClientOptions
        {
            Environment = ResolveEnvironment(options),
            Transport = new HttpClientTransport(handler),
        };
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.RetryMaxDelay;

        // The same retries, except that the non-idempotent Run Command POST is never resent after a 5xx (ArmRetryPolicy).
        clientOptions.RetryPolicy = new ArmRetryPolicy(options.MaxRetries, DelayStrategy.CreateExponentialDelayStrategy(options.RetryDelay, options.RetryMaxDelay));
        if (options.Scheduler is { } scheduler)
        {
            clientOptions.AddPolicy(new Scheduling.SchedulingPolicy(scheduler), HttpPipelinePosition.PerRetry);
        }

        return clientOptions;
    }

    public static TokenCredential CreateCredential(ConnectionOptions options, Func<string, string?> getEnvironmentVariable)
        => CreateCredential(options, getEnvironmentVariable, TimeProvider.System, expiry: null);

    public static TokenCredential CreateCredential(ConnectionOptions options, Func<string, string?> getEnvironmentVariable, TimeProvider time, AccessTokenExpiry? expiry)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authority = options.Cloud switch
        {
            AzureCloudName.AzureChinaCloud => AzureAuthorityHosts.AzureChina,
            AzureCloudName.AzureUSGovernment => AzureAuthorityHosts.AzureGovernment,
            _ => AzureAuthorityHosts.AzurePublicCloud,
        };
        var tenant = string.IsNullOrWhiteSpace(options.TenantId) ? null : options.TenantId;

        return options.Auth switch
        {
            AuthMode.Token => CreateTokenCredential(getEnvironmentVariable, time, expiry),
            AuthMode.Cli => new AzureCliCredential(new AzureCliCredentialOptions { AuthorityHost = authority, TenantId = tenant }),
            AuthMode.ManagedIdentity => CreateManagedIdentityCredential(authority, getEnvironmentVariable),
            AuthMode.WorkloadIdentity => new WorkloadIdentityCredential(
                new WorkloadIdentityCredentialOptions { AuthorityHost = authority, TenantId = tenant }),
            AuthMode.Environment => new EnvironmentCredential(new EnvironmentCredentialOptions { AuthorityHost = authority }),
            _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = authority, TenantId = tenant }),
        };
    }

    /// <summary>
    /// Accepts what normal chain validation accepts, plus exactly the pinned certificate (byte for byte) when one is given.
    /// </summary>
    public static bool ValidateServerCertificate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? pinned)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        return pinned is not null
            && certificate is not null
            && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned.RawData);
    }

    /// <summary>
    /// The environment: the cloud's own, or for a custom endpoint the given/discovered audience, else the cloud's own
    /// audience taken verbatim from the SDK's ArmEnvironment, so the scope asked for (<c>ArmEnvironment.DefaultScope</c>
    /// = audience + "/.default") is exactly the one the SDK asks for on that cloud (Azure.ResourceManager 1.7.0:
    /// public "https://management.azure.com//.default", China "https://management.chinacloudapi.cn/.default",
    /// US Government "https://management.usgovcloudapi.net/.default").
    /// </summary>
    public static ArmEnvironment ResolveEnvironment(ConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cloud = options.Cloud switch
        {
            AzureCloudName.AzureChinaCloud => ArmEnvironment.AzureChina,
            AzureCloudName.AzureUSGovernment => ArmEnvironment.AzureGovernment,
            _ => ArmEnvironment.AzurePublicCloud,
        };
        if (options.ArmEndpoint is { } endpoint)
        {
            return new ArmEnvironment(endpoint, string.IsNullOrWhiteSpace(options.Audience) ? cloud.Audience : options.Audience);
        }

        return string.IsNullOrWhiteSpace(options.Audience) ? cloud : new ArmEnvironment(cloud.Endpoint, options.Audience);
    }

    /// <summary>
    /// For a custom endpoint without --audience: the audience its <c>/metadata/endpoints</c> document names
    /// (<c>authentication.audiences[0]</c>), as az cli and Azure Stack Hub's own tooling read it. An endpoint that does
    /// not serve the document (or answers something else) keeps the cloud's audience; the result says which was used.
    /// </summary>
    public static async Task<(ConnectionOptions Options, string? Note)> ResolveAudienceAsync(ConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ArmEndpoint is not { } endpoint)
        {
            return (options, null);
        }

        // The metadata read is also the run's first contact with a custom endpoint: one that refuses connections or
        // never answers ends the run here, in one sentence, instead of every later call retrying it for minutes.
        var audienceGiven = !string.IsNullOrWhiteSpace(options.Audience);
        var fallback = $"{endpoint} serves no readable {MetadataPath.Split('?')[0]} document, so the token audience is {ResolveEnvironment(options).Audience} (the {options.Cloud} audience); pass --audience if the endpoint needs another.";
        var timeout = options.NetworkTimeout < ProbeTimeout ? options.NetworkTimeout : ProbeTimeout;
        try
        {
            using var http = new HttpClient(CreateHandler(options.PinnedCertificate)) { Timeout = timeout };
            using var response = await http.GetAsync(new Uri(endpoint, MetadataPath), cancellationToken);
            if (audienceGiven)
            {
                return (options, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (options, fallback);
            }

            using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("authentication", out var authentication)
                && authentication.ValueKind == System.Text.Json.JsonValueKind.Object
                && authentication.TryGetProperty("audiences", out var audiences)
                && audiences.ValueKind == System.Text.Json.JsonValueKind.Array
                && audiences.GetArrayLength() > 0
                && audiences[0].ValueKind == System.Text.Json.JsonValueKind.String
                && audiences[0].GetString() is { Length: > 0 } audience)
            {
                return (options with { Audience = audience }, null);
            }

            return (options, fallback);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException socket)
        {
            var why = socket.SocketErrorCode switch
            {
                System.Net.Sockets.SocketError.ConnectionRefused => $"it refused the connection (nothing listens on port {endpoint.Port})",
                System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData => $"its host name {endpoint.Host} does not resolve",
                _ => socket.Message.TrimEnd('.'),
            };
            throw new AzureConnectionException($"ARM endpoint {endpoint} cannot be reached: {why}; check --arm-endpoint, or a proxy or firewall in between.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AzureConnectionException($"ARM endpoint {endpoint} did not answer within {timeout.TotalSeconds:0} s (it accepted the connection, then sent nothing); check --arm-endpoint, or a proxy or firewall in between.");
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException)
        {
            return (options, audienceGiven ? null : fallback);
        }
    }

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    private static StaticTokenCredential CreateTokenCredential(Func<string, string?> getEnvironmentVariable, TimeProvider time, AccessTokenExpiry? expiry)
    {
        var token = getEnvironmentVariable(AccessTokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new AzureConnectionException(
                $"--auth token needs a bearer token in the environment variable {AccessTokenVariable}, which is not set; set it (e.g. from 'az account get-access-token --query accessToken -o tsv') or choose another --auth.");
        }

        var credential = new StaticTokenCredential(token.Trim(), time, expiry);
        if (credential.ExpiresOn is { } expires && time.GetUtcNow() >= expires)
        {
            throw new AzureConnectionException(StaticTokenCredential.ExpiredMessage(expires));
        }

        return credential;
    }

    private static ManagedIdentityCredential CreateManagedIdentityCredential(Uri authority, Func<string, string?> getEnvironmentVariable)
    {
        var clientId = getEnvironmentVariable("AZURE_CLIENT_ID");
        var id = string.IsNullOrWhiteSpace(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId);
        return new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(id) { AuthorityHost = authority });
    }

    private static SocketsHttpHandler CreateHandler(X509Certificate2? pinned)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(20),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            // Thousands of VMs in flight must not mean thousands of TLS handshakes at once: ARM calls are short, so a
            // bounded pool of kept-alive connections carries them (requests queue for a free connection).
            MaxConnectionsPerServer = MaxConnections,
        };
        if (pinned is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback =
                (_, certificate, _, errors) => ValidateServerCertificate(certificate, errors, pinned);
        }

        return handler;
    }
}
