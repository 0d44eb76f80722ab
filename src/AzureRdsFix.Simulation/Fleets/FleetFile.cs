using System.Text.Json.Nodes;

namespace AzureRdsFix.Simulation.Fleets;

// The JSON fleet file (docs/simulated-azure.md). Plain DTOs: Fleet turns them into validated, live state.

internal sealed record FleetFile(
    string? TenantId,
    string? LicenseServer,
    FleetFaultsFile? Faults,
    PagingFile? Paging,
    ThrottleFile? Throttle,
    List<SubscriptionFile>? Subscriptions);

internal sealed record FleetFaultsFile(int ThrottleEvery, int ServerErrorEvery, int LroDelayMs, double? LatencyScale);

internal sealed record PagingFile(List<int>? PageSizes);

internal sealed record ThrottleFile(bool Enabled, double? TimeScale);

internal sealed record SubscriptionFile(string? Id, string? DisplayName, string? State, bool Forbidden, List<VmFile>? Vms);

internal sealed record VmFile(
    string? Name,
    string? ResourceGroup,
    string? Location,
    string? Os,
    string? Power,
    string? Agent,
    string? Size,
    Dictionary<string, string>? Tags,
    JsonNode? Guest,
    VmFaultsFile? Faults,
    bool? AllowExtensionOperations,
    bool EphemeralOsDisk,
    string? DiskEncryptionSetId);

internal sealed record VmFaultsFile(int RunCommandConflicts, bool TruncateStdout, bool StderrNoise, int RunCommandGatewayErrors, int AgentLagAfterRestartMs, int AgentFlaps = 0);
