using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Arguments;

public sealed record ScopeArguments(
    IReadOnlyList<string> Subscriptions,
    IReadOnlyList<string> ResourceGroups,
    IReadOnlyList<string> Vms,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    Shard? Shard);

public sealed record ConnectionArguments(string Cloud, Uri? ArmEndpoint, string? Tenant, AuthMode Auth, string? Audience = null);

/// <summary>--auth as spelled on the command line and in the journal.</summary>
public static class AuthModes
{
    private static readonly (AuthMode Mode, string Name)[] All =
    [
        (AuthMode.Default, "default"),
        (AuthMode.Cli, "cli"),
        (AuthMode.ManagedIdentity, "managed-identity"),
        (AuthMode.WorkloadIdentity, "workload-identity"),
        (AuthMode.Environment, "environment"),
        (AuthMode.Token, "token"),
    ];

    public static string[] Names { get; } = [.. All.Select(a => a.Name)];

    /// <summary>A name from the command line or a journal; one that is not an auth mode is bad input.</summary>
    public static AuthMode Parse(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } known
        ? known.Mode
        : throw new UsageException($"{OptionNames.Auth} '{name}' is not an authentication mode: expected one of {string.Join(", ", Names)}.");

    public static string Name(this AuthMode mode) => All.Single(a => a.Mode == mode).Name;
}

/// <summary>--channel: how in-guest steps reach the guest.</summary>
public enum ChannelChoice { Auto, RunCommand, SerialConsole }

public static class ChannelChoices
{
    public static readonly string[] Names = ["auto", "runcommand", "serialconsole"];

    public static ChannelChoice Parse(string name) => Enum.Parse<ChannelChoice>(name, ignoreCase: true);

    /// <summary>The option's (and the journal's) spelling: auto, runcommand, serialconsole.</summary>
    public static string Name(this ChannelChoice channel) => channel.ToString().ToLowerInvariant();
}

public sealed record ExecutionArguments(int MaxParallel, ChannelChoice Channel, TimeSpan StepTimeout, string? JournalPath, string? ResumePath)
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
    RunCommand Command,
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
