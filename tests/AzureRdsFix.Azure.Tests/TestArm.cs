using Azure.ResourceManager;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Testing;

namespace AzureRdsFix.Azure.Tests;

/// <summary>Real ArmClients pointed at a FakeArm: token auth, the fake's certificate pinned, quick retries.</summary>
internal static class TestArm
{
    public const string Token = "fake-arm-token";

    public static ConnectionOptions Options(FakeArm arm) => new()
    {
        ArmEndpoint = arm.Endpoint,
        Auth = AuthMode.Token,
        PinnedCertificate = arm.Certificate,
        MaxRetries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
    };

    public static ArmClient Client(FakeArm arm) => ArmClientFactory.Create(Options(arm), Env);

    public static string? Env(string name) => name == ArmClientFactory.AccessTokenVariable ? Token : null;
}
