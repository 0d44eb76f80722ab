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
        Audience = connection.Audience,
        TenantId = connection.Tenant,
        Auth = connection.Auth,
        PinnedCertificate = services.PinnedCertificate,
        Scheduler = new AzureScheduler(services.Time),
    };

    public static ArmClient Create(CliServices services, ConnectionOptions options) => Create(services, options, expiry: null);

    /// <summary>
    /// The client; <paramref name="expiry"/> (when given) is told if the token expires during the run. A token that is
    /// already expired, or missing, is a tool failure (exit 3) before any Azure call.
    /// </summary>
    public static ArmClient Create(CliServices services, ConnectionOptions options, AccessTokenExpiry? expiry)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            return ArmClientFactory.Create(options, services.Environment.GetVariable, services.Time, expiry);
        }
        catch (AzureConnectionException ex)
        {
            throw new ToolFailureException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Fills in the token audience of a custom endpoint from its /metadata/endpoints (unless --audience gave one), and
    /// says on stderr what the run assumes when it cannot know: the audience used, or that an opaque token's expiry is
    /// unknown. Never prints the token.
    /// </summary>
    public static async Task<ConnectionOptions> PrepareAsync(CliServices services, ConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ConnectionOptions resolved;
        string? note;
        try
        {
            // A missing or expired token is said before the endpoint is contacted: it is this machine's to fix first.
            _ = ArmClientFactory.CreateCredential(options, services.Environment.GetVariable, services.Time, expiry: null);

            (resolved, note) = await ArmClientFactory.ResolveAudienceAsync(options, cancellationToken);
        }
        catch (AzureConnectionException ex)
        {
            throw new ToolFailureException(ex.Message, ex);
        }

        if (note is not null)
        {
            await services.IO.Error.WriteLineAsync($"azrdsfix: note: {note}");
        }

        if (resolved.Auth == AuthMode.Token
            && services.Environment.GetVariable(ArmClientFactory.AccessTokenVariable) is { Length: > 0 } token
            && AccessTokens.ReadJwtExpiry(token.Trim()) is null)
        {
            await services.IO.Error.WriteLineAsync(
                $"azrdsfix: note: the token in {ArmClientFactory.AccessTokenVariable} is not a JWT, so its expiry cannot be read; it is assumed valid until ARM refuses it, and the run stops at the first 401 ExpiredAuthenticationToken.");
        }

        return resolved;
    }
}
