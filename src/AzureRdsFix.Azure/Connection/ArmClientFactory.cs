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

    private const string PublicAudience = "https://management.azure.com/";

    /// <exception cref="AzureConnectionException">The options cannot produce a client (e.g. the token variable is unset).</exception>
    public static ArmClient Create(ConnectionOptions options, Func<string, string?> getEnvironmentVariable)
    {
        var credential = CreateCredential(options, getEnvironmentVariable);
        return new ArmClient(credential, defaultSubscriptionId: null, CreateClientOptions(options));
    }

    public static ArmClientOptions CreateClientOptions(ConnectionOptions options)
    {
        var clientOptions = new ArmClientOptions
        {
            Environment = ResolveEnvironment(options),
            Transport = new HttpClientTransport(new TransportFailureHandler(CreateHandler(options.PinnedCertificate))),
        };
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.RetryMaxDelay;
        if (options.Scheduler is { } scheduler)
        {
            clientOptions.AddPolicy(new Scheduling.SchedulingPolicy(scheduler), HttpPipelinePosition.PerRetry);
        }

        return clientOptions;
    }

    public static TokenCredential CreateCredential(ConnectionOptions options, Func<string, string?> getEnvironmentVariable)
    {
        var authority = options.Cloud switch
        {
            AzureCloudName.AzureChinaCloud => AzureAuthorityHosts.AzureChina,
            AzureCloudName.AzureUSGovernment => AzureAuthorityHosts.AzureGovernment,
            _ => AzureAuthorityHosts.AzurePublicCloud,
        };
        var tenant = string.IsNullOrWhiteSpace(options.TenantId) ? null : options.TenantId;

        return options.Auth switch
        {
            AuthMode.Token => CreateTokenCredential(getEnvironmentVariable),
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

    private static ArmEnvironment ResolveEnvironment(ConnectionOptions options)
    {
        if (options.ArmEndpoint is { } endpoint)
        {
            var audience = options.Cloud switch
            {
                AzureCloudName.AzureChinaCloud => ArmEnvironment.AzureChina.DefaultScope.Replace("/.default", "/", StringComparison.Ordinal),
                AzureCloudName.AzureUSGovernment => ArmEnvironment.AzureGovernment.DefaultScope.Replace("/.default", "/", StringComparison.Ordinal),
                _ => PublicAudience,
            };
            return new ArmEnvironment(endpoint, audience);
        }

        return options.Cloud switch
        {
            AzureCloudName.AzureChinaCloud => ArmEnvironment.AzureChina,
            AzureCloudName.AzureUSGovernment => ArmEnvironment.AzureGovernment,
            _ => ArmEnvironment.AzurePublicCloud,
        };
    }

    private static StaticTokenCredential CreateTokenCredential(Func<string, string?> getEnvironmentVariable)
    {
        var token = getEnvironmentVariable(AccessTokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new AzureConnectionException(
                $"--auth token needs a bearer token in the environment variable {AccessTokenVariable}, which is not set; set it (e.g. from 'az account get-access-token --query accessToken -o tsv') or choose another --auth.");
        }

        return new StaticTokenCredential(token.Trim());
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
        };
        if (pinned is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback =
                (_, certificate, _, errors) => ValidateServerCertificate(certificate, errors, pinned);
        }

        return handler;
    }
}
