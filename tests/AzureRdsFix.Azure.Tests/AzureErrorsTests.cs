using System.Net.Http;
using System.Security.Authentication;
using Azure;
using Azure.Identity;
using AzureRdsFix.Azure.Errors;

namespace AzureRdsFix.Azure.Tests;

public sealed class AzureErrorsTests
{
    private const string Action = "run the probe on VM vm1";

    [Fact]
    public void Translate_403NamingAnAction_SaysWhichPermissionIsMissing()
    {
        var error = new RequestFailedException(
            403,
            "The client 'ops@contoso.com' with object id '0000' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/runCommand/action' over scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1' or the scope is invalid.",
            "AuthorizationFailed",
            null);

        var failure = AzureErrors.Translate(error, Action);

        failure.Kind.Should().Be(AzureErrorKind.Auth);
        failure.Message.Should().Be("Could not run the probe on VM vm1: the identity lacks the permission 'Microsoft.Compute/virtualMachines/runCommand/action' over '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1' (403 AuthorizationFailed); grant a role that includes it at this scope (see infra/ for the least-privilege role), or leave this scope out.");
    }

    [Theory]
    [InlineData(404, "ResourceNotFound", "The Resource 'Microsoft.Compute/virtualMachines/vm1' under resource group 'rg' was not found.", AzureErrorKind.Failed, "it was not found (404 ResourceNotFound")]
    [InlineData(409, "OperationNotAllowed", "The operation requires the VM to be running (or set to run).", AzureErrorKind.Unreachable, "the VM is not running")]
    [InlineData(409, "Conflict", "Run command extension execution is in progress. Please wait for completion before invoking a run command.", AzureErrorKind.Unreachable, "another Run Command was still running")]
    [InlineData(429, "OperationNotAllowed", "The server rejected the request because too many requests have been received for this subscription.", AzureErrorKind.Failed, "Azure throttled the request (429 OperationNotAllowed)")]
    [InlineData(503, "ServerBusy", "The server is busy.", AzureErrorKind.Failed, "Azure answered 503 ServerBusy")]
    [InlineData(401, "ExpiredAuthenticationToken", "The access token expiry UTC time '3/19/2023 8:55:46 AM' is earlier than current UTC time.", AzureErrorKind.Auth, "ARM rejected the access token (401 ExpiredAuthenticationToken)")]
    [InlineData(200, "VMAgentStatusCommunicationError", "VM 'vm1' has not reported status for VM agent or extensions.", AzureErrorKind.Unreachable, "the VM agent did not report status to Azure")]
    public void Translate_StatusAndCode_OneSentenceAndClass(int status, string code, string message, AzureErrorKind kind, string expected)
    {
        var failure = AzureErrors.Translate(new RequestFailedException(status, message, code, null), Action);

        failure.Kind.Should().Be(kind);
        failure.Message.Should().StartWith($"Could not {Action}: ").And.Contain(expected).And.NotContain("\n");
        failure.Status.Should().Be(status);
        failure.Code.Should().Be(code);
    }

    [Theory]
    [InlineData("AzureCliCredential authentication unavailable. Azure CLI not installed.", "--auth cli", "az login")]
    [InlineData("ManagedIdentityCredential authentication unavailable. No response received from the managed identity endpoint.", "--auth managed-identity", "AZURE_CLIENT_ID")]
    [InlineData("WorkloadIdentityCredential authentication unavailable. The workload options are not fully configured.", "--auth workload-identity", "AZURE_FEDERATED_TOKEN_FILE")]
    [InlineData("EnvironmentCredential authentication unavailable. Environment variables are not fully configured.", "--auth environment", "AZURE_CLIENT_SECRET")]
    [InlineData("DefaultAzureCredential failed to retrieve a token from the included credentials.", "--auth default", "az login")]
    public void Translate_CredentialUnavailable_NamesTheAuthModeAndTheFix(string message, string mode, string fix)
    {
        var failure = AzureErrors.Translate(new CredentialUnavailableException(message), "list subscriptions");

        failure.Kind.Should().Be(AzureErrorKind.Auth);
        failure.Message.Should().StartWith("Could not list subscriptions: " + mode).And.Contain(fix);
    }

    [Fact]
    public void Translate_TransportTlsFailure_MentionsSslCertFile()
    {
        var tls = new ArmTransportException(
            new Uri("https://arm.example/"),
            new HttpRequestException("The SSL connection could not be established, see inner exception.", new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));

        var failure = AzureErrors.Translate(new RequestFailedException(tls.Message, tls), "list subscriptions");

        failure.Kind.Should().Be(AzureErrorKind.Connection);
        failure.Message.Should().Be("Could not list subscriptions: the TLS certificate of ARM endpoint https://arm.example/ is not trusted (The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot); add its CA to the system trust store or point SSL_CERT_FILE at a CA bundle that contains it.");
    }

    [Fact]
    public void Translate_UnknownException_StillOneSentence()
    {
        var failure = AzureErrors.Translate(new InvalidOperationException("first line\nsecond line"), Action);

        failure.Should().Be(new AzureFailure(AzureErrorKind.Failed, "Could not run the probe on VM vm1: first line"));
    }
}
