using System.Diagnostics;
using System.Net;
using System.Net.Security;
using Azure;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Resources;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

public sealed class ConnectionTests
{
    private const string Sub = "11111111-1111-1111-1111-111111111111";

    private static async Task<List<DiscoveryItem>> DiscoverAsync(ArmClient client, DiscoveryScope? scope = null)
    {
        var items = new List<DiscoveryItem>();
        await foreach (var item in new ArmFleetDiscovery(client).DiscoverAsync(scope ?? new DiscoveryScope(), CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public void Create_TokenAuthWithoutVariable_FailsWithOneSentence()
    {
        var act = () => ArmClientFactory.Create(new ConnectionOptions { Auth = AuthMode.Token }, _ => null);

        var error = act.Should().Throw<AzureConnectionException>().Which;
        error.Message.Should().StartWith("--auth token needs a bearer token in the environment variable AZRDSFIX_ACCESS_TOKEN, which is not set");
        AzureErrors.Translate(error, "connect").Should().Be(new AzureFailure(AzureErrorKind.Auth, error.Message));
    }

    [Fact]
    public async Task Create_TokenAuth_SendsTheTokenAsBearer()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = TestArm.Token;
        arm.AddSubscription(Sub);
        arm.AddVm(Sub, "rg", "vm1");

        var items = await DiscoverAsync(TestArm.Client(arm));

        items.Should().ContainSingle().Which.Should().BeOfType<DiscoveredVm>();
    }

    [Fact]
    public async Task Create_WrongToken_401IsAnAuthFailureSentence()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.RequiredToken = "the-right-one";
        arm.AddSubscription(Sub);

        var failure = (await DiscoverAsync(TestArm.Client(arm))).OfType<DiscoveryFailure>().Single();

        failure.Kind.Should().Be(AzureErrorKind.Auth);
        failure.Error.Message.Should().Be("Could not list the subscriptions this identity can see: ARM rejected the access token (401 InvalidAuthenticationToken): it is expired or invalid; sign in again (for --auth token, refresh AZRDSFIX_ACCESS_TOKEN).");
    }

    [Fact]
    public void StaticTokenCredential_ToString_DoesNotRevealToken() =>
        new StaticTokenCredential("secret-token-value").ToString().Should().NotContain("secret");

    [Fact]
    public async Task Create_UnpinnedSelfSignedEndpoint_FailsWithTlsSentence()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.AddSubscription(Sub);
        var options = TestArm.Options(arm) with { PinnedCertificate = null, MaxRetries = 0 };

        var failure = (await DiscoverAsync(ArmClientFactory.Create(options, TestArm.Env))).OfType<DiscoveryFailure>().Single();

        failure.Kind.Should().Be(AzureErrorKind.Connection);
        failure.Error.Message.Should().StartWith($"Could not list the subscriptions this identity can see: the TLS certificate of ARM endpoint {arm.Endpoint} is not trusted (")
            .And.Contain("SSL_CERT_FILE");
    }

    [Fact]
    public async Task Create_PinnedDifferentCertificate_IsNotAccepted()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.AddSubscription(Sub);
        using var other = TestCertificates.CreateLoopback("CN=someone-else");
        var options = TestArm.Options(arm) with { PinnedCertificate = other, MaxRetries = 0 };

        var failure = (await DiscoverAsync(ArmClientFactory.Create(options, TestArm.Env))).OfType<DiscoveryFailure>().Single();

        failure.Kind.Should().Be(AzureErrorKind.Connection);
    }

    [Fact]
    public async Task Create_DeadEndpoint_SaysItCouldNotReachIt()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new ConnectionOptions { ArmEndpoint = new Uri($"https://localhost:{port}/"), Auth = AuthMode.Token, MaxRetries = 0 };

        var act = async () => await DiscoverAsync(ArmClientFactory.Create(options, TestArm.Env), new DiscoveryScope { Subscriptions = [Sub] });

        var failure = (await act()).OfType<DiscoveryFailure>().Single();
        failure.Kind.Should().Be(AzureErrorKind.Connection);
        failure.Error.Message.Should().StartWith($"Could not reach ARM endpoint https://localhost:{port}/: ");
    }

    [Fact]
    public async Task Create_RetryAfter_IsHonouredInFull()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.AddSubscription(Sub);
        arm.AddVm(Sub, "rg", "vm1");
        arm.AddFault(new FakeFault("GET", "/providers/Microsoft.Compute/virtualMachines", 429, "OperationNotAllowed", "The server rejected the request because too many requests have been received for this subscription.") { RetryAfterSeconds = 3 });
        var watch = Stopwatch.StartNew();

        var items = await DiscoverAsync(TestArm.Client(arm));

        items.Should().ContainSingle().Which.Should().BeOfType<DiscoveredVm>();
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2.9), "the retry waits the whole Retry-After, not a capped part of it");
        arm.Requests.Count(r => r.Contains("/virtualMachines?", StringComparison.Ordinal) && !r.Contains("skiptoken", StringComparison.Ordinal))
            .Should().Be(2, "the throttled first page was retried once");
    }

    [Fact]
    public async Task Create_HugeRetryAfter_IsBoundedByTheCallersTimeoutNotShortened()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.AddSubscription(Sub);
        arm.AddVm(Sub, "rg", "vm1");
        arm.AddFault(new FakeFault("GET", "/providers/Microsoft.Compute/virtualMachines", 429, "OperationNotAllowed", "The server rejected the request because too many requests have been received for this subscription.") { RetryAfterSeconds = 1200 });
        using var stepTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();

        var act = async () =>
        {
            await foreach (var _ in TestArm.Client(arm).GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub)).GetVirtualMachinesAsync(cancellationToken: stepTimeout.Token))
            {
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        arm.Requests.Count(r => r.Contains("/virtualMachines?", StringComparison.Ordinal)).Should().Be(1, "no retry before Retry-After has passed");
    }

    [Fact]
    public void ValidateServerCertificate_OnlyNormalValidationOrTheExactPinnedCertificate()
    {
        using var pinned = TestCertificates.CreateLoopback();
        using var other = TestCertificates.CreateLoopback("CN=other");

        ArmClientFactory.ValidateServerCertificate(other, SslPolicyErrors.None, pinned: null).Should().BeTrue();
        ArmClientFactory.ValidateServerCertificate(pinned, SslPolicyErrors.RemoteCertificateChainErrors, pinned).Should().BeTrue();
        ArmClientFactory.ValidateServerCertificate(other, SslPolicyErrors.RemoteCertificateChainErrors, pinned).Should().BeFalse();
        ArmClientFactory.ValidateServerCertificate(other, SslPolicyErrors.RemoteCertificateChainErrors, pinned: null).Should().BeFalse();
        ArmClientFactory.ValidateServerCertificate(null, SslPolicyErrors.RemoteCertificateNotAvailable, pinned).Should().BeFalse();
    }

    [Theory]
    [InlineData(AzureCloudName.AzureCloud, "https://management.azure.com/")]
    [InlineData(AzureCloudName.AzureChinaCloud, "https://management.chinacloudapi.cn/")]
    [InlineData(AzureCloudName.AzureUSGovernment, "https://management.usgovcloudapi.net/")]
    public void CreateClientOptions_Cloud_PicksItsArmEndpoint(AzureCloudName cloud, string endpoint)
    {
        var options = new ConnectionOptions { Cloud = cloud };

        ArmClientFactory.CreateClientOptions(options).Environment!.Value.Endpoint.Should().Be(new Uri(endpoint));
        options.ResolvedEndpoint.Should().Be(new Uri(endpoint));
    }

    [Fact]
    public void CreateClientOptions_CustomEndpoint_KeepsPublicAudienceAndFleetRetries()
    {
        var options = ArmClientFactory.CreateClientOptions(new ConnectionOptions { ArmEndpoint = new Uri("https://127.0.0.1:8443/") });

        options.Environment!.Value.Endpoint.Should().Be(new Uri("https://127.0.0.1:8443/"));
        options.Environment!.Value.Audience.Should().Be("https://management.azure.com/");
        options.Retry.MaxRetries.Should().Be(5);
        options.Retry.MaxDelay.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(AuthMode.Default, typeof(DefaultAzureCredential))]
    [InlineData(AuthMode.Cli, typeof(AzureCliCredential))]
    [InlineData(AuthMode.ManagedIdentity, typeof(ManagedIdentityCredential))]
    [InlineData(AuthMode.Environment, typeof(EnvironmentCredential))]
    [InlineData(AuthMode.Token, typeof(StaticTokenCredential))]
    public void CreateCredential_AuthMode_PicksItsCredential(AuthMode mode, Type expected)
    {
        var credential = ArmClientFactory.CreateCredential(new ConnectionOptions { Auth = mode, Cloud = AzureCloudName.AzureChinaCloud }, TestArm.Env);

        credential.Should().BeOfType(expected);
    }

    [Fact]
    public void Describe_RequestFailedWithoutResponse_StillOneLine()
    {
        var message = AzureErrors.Describe(new RequestFailedException(503, "Service Unavailable\nmore", "ServerBusy", null), "list VMs");

        message.Should().NotContain("\n").And.Contain("503");
    }
}
