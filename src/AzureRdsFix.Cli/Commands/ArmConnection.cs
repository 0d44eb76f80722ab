using Azure.ResourceManager;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;

namespace AzureRdsFix.Cli.Commands;

/// <summary>The one place the CLI turns connection options into an ArmClient.</summary>
public static class ArmConnection
{
    public static ConnectionOptions Options(CliServices services, ConnectionArguments connection) => new()
    {
        Cloud = Enum.Parse<AzureCloudName>(connection.Cloud, ignoreCase: true),
        ArmEndpoint = connection.ArmEndpoint,
        TenantId = connection.Tenant,
        Auth = connection.Auth switch
        {
            "cli" => AuthMode.Cli,
            "managed-identity" => AuthMode.ManagedIdentity,
            "workload-identity" => AuthMode.WorkloadIdentity,
            "environment" => AuthMode.Environment,
            "token" => AuthMode.Token,
            _ => AuthMode.Default,
        },
        PinnedCertificate = services.PinnedCertificate,
        Scheduler = new AzureScheduler(services.Time),
    };

    public static ArmClient Create(CliServices services, ConnectionOptions options)
    {
        try
        {
            return ArmClientFactory.Create(options, services.Environment.GetVariable);
        }
        catch (AzureConnectionException ex)
        {
            throw new ToolFailureException(ex.Message, ex);
        }
    }
}
