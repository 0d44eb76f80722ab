using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Tests;

/// <summary>
/// A started simulator plus the clients a test needs: the real ArmClient and a raw HttpClient, both trusting exactly
/// the simulator's certificate (pinned by thumbprint and bytes, never accept-any).
/// </summary>
public sealed class SimulatorSession : IAsyncDisposable
{
    private SimulatorSession(SimulatedAzure azure)
    {
        Azure = azure;
        Arm = new ArmClient(new StaticToken(), null, new ArmClientOptions
        {
            Environment = new ArmEnvironment(azure.Endpoint, "https://management.azure.com/"),
            Transport = new HttpClientTransport(PinnedHandler(azure.Certificate)),
            Retry = { Delay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(2), MaxRetries = 3 },
        });
        Http = new HttpClient(PinnedHandler(azure.Certificate)) { BaseAddress = azure.Endpoint };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sim-token");
    }

    public SimulatedAzure Azure { get; }

    public ArmClient Arm { get; }

    public HttpClient Http { get; }

    public Fleet Fleet => Azure.Fleet;

    /// <summary>One certificate for every simulator the tests start: RSA key generation costs about half a second here.</summary>
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(SimulatedAzure.CreateCertificate);

    public static async Task<SimulatorSession> StartAsync(Fleet? fleet = null, SimulationOptions? options = null) =>
        new(await SimulatedAzure.StartAsync(fleet ?? Fleet.Demo(), (options ?? SimulationOptions.Instant) with { Certificate = SharedCertificate.Value }));

    public static HttpClientHandler PinnedHandler(X509Certificate2 pinned) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.RawDataMemory.Span.SequenceEqual(pinned.RawDataMemory.Span),
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Azure.DisposeAsync();
    }

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("sim-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
