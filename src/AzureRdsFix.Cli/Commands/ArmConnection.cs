using Azure.ResourceManager;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Cli.Hosting;

namespace AzureRdsFix.Cli.Commands;

/// <summary>The one place the CLI turns connection options into an ArmClient.</summary>
public static class ArmConnection
{
    public static ConnectionOptions Options(CliServices services, ConnectionArguments connection)
    {
        // An endpoint replaces the cloud's ARM endpoint but not its Entra authority: a sovereign cloud's authority with
        // another endpoint would ask one cloud for tokens to call another. Said, rather than guessed.
        if (connection.ArmEndpoint is not null && !string.Equals(connection.Cloud, "AzureCloud", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"{OptionNames.Cloud} {connection.Cloud} and {OptionNames.ArmEndpoint} {connection.ArmEndpoint} contradict each other: give the cloud, or the endpoint of an ARM-compatible service, not both.");
        }

        return Build(services, connection);
    }

    private static ConnectionOptions Build(CliServices services, ConnectionArguments connection) => new()
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
