using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Arguments;

public sealed record ScopeArguments(
    IReadOnlyList<string> Subscriptions,
    IReadOnlyList<string> ResourceGroups,
    IReadOnlyList<string> Vms,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    Shard? Shard);

public sealed record ConnectionArguments(string Cloud, Uri? ArmEndpoint, string? Tenant, string Auth, string? Audience = null);

public sealed record ExecutionArguments(int MaxParallel, string Channel, TimeSpan StepTimeout, string? JournalPath, string? ResumePath)
{
    /// <summary>The guest account the serial console channel logs in with (its password only from AZRDSFIX_SERIAL_PASSWORD).</summary>
    public string? SerialUser { get; init; }

    public string? SerialDomain { get; init; }
}

public sealed record OutputArguments(string? OutDir, IReadOnlyList<string> Formats, FailOn FailOn, bool Quiet);

public enum RestartPolicy { Auto, Never }

public sealed record FixArguments(
    IReadOnlyList<string> LicenseServers,
    int LicensingMode,
    bool RemoveRdsh,
    bool RemoveLicensingRole,
    RestartPolicy Restart,
    bool Yes);

/// <summary>scan, plan and fix share these; <see cref="Fix"/> is null for scan.</summary>
public sealed record RunArguments(
    string Command,
    ScopeArguments Scope,
    ConnectionArguments Connection,
    ExecutionArguments Execution,
    OutputArguments Output,
    int WarnDays,
    FixArguments? Fix)
{
    /// <summary>The options given on the command line (not defaulted): a resumed run takes the others from its journal.</summary>
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>();
}

/// <summary>Bad input: one sentence naming the input and what was expected. Exit code 2, no Azure call.</summary>
public sealed class UsageException(string message) : Exception(message);
