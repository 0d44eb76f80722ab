using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// --resume continues the recorded run: its scope, fix and connection come from the journal. Options given again must
/// say the same thing; a different scope, fix or Azure would not be the same run.
/// </summary>
public static class ResumeOptions
{
    public static RunArguments Apply(RunArguments args, RunStarted? recorded)
    {
        if (recorded is null)
        {
            return args;
        }

        var scope = new ScopeArguments(
            Pick(OptionNames.Subscription, args.Scope.Subscriptions, recorded.Scope.Subscriptions),
            Pick(OptionNames.ResourceGroup, args.Scope.ResourceGroups, recorded.Scope.ResourceGroups),
            Pick(OptionNames.Vm, args.Scope.Vms, recorded.Scope.Vms),
            Pick(OptionNames.Tag, args.Scope.Tags.Select(t => $"{t.Key}={t.Value}").ToArray(), recorded.Scope.Tags)
                .Select(t => new KeyValuePair<string, string>(t[..t.IndexOf('=', StringComparison.Ordinal)], t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..]))
                .ToArray(),
            PickShard(args.Scope.Shard, recorded.Scope.Shard));

        var fix = args.Fix;
        if (fix is not null && recorded.Fix is { } recordedFix)
        {
            var servers = Pick(OptionNames.LicenseServer, fix.LicenseServers, recordedFix.LicenseServers);
            var removeRdsh = fix.RemoveRdsh || recordedFix.RemoveRdsh;
            var removeRole = fix.RemoveLicensingRole || recordedFix.RemoveLicensingRole;
            fix = fix with { LicenseServers = servers, RemoveRdsh = removeRdsh, RemoveLicensingRole = removeRole, LicensingMode = recordedFix.LicensingMode };
        }

        // The serial console account (never its password) carries over, so a resumed run reaches the same VMs the same way.
        var execution = args.Execution.SerialUser is null && recorded.SerialUser is { } serialUser
            ? args.Execution with { SerialUser = serialUser, SerialDomain = args.Execution.SerialDomain ?? recorded.SerialDomain }
            : args.Execution;
        return args with { Scope = scope, Fix = fix, Connection = Connection(args, recorded.Connection), Execution = execution };
    }

    /// <summary>
    /// The endpoint, cloud and auth mode the run was recorded with: a resumed run talks to the same Azure as the cut one
    /// (a resume hint or a pipeline re-run does not repeat them). Given again, they must say the same.
    /// </summary>
    private static ConnectionArguments Connection(RunArguments args, RecordedConnection? recorded)
    {
        var given = args.Connection;
        if (recorded is null)
        {
            return given;
        }

        var cloud = PickOne(OptionNames.Cloud, args.Given.Contains(OptionNames.Cloud) ? given.Cloud : null, recorded.Cloud) ?? given.Cloud;
        var auth = PickOne(OptionNames.Auth, args.Given.Contains(OptionNames.Auth) ? given.Auth.Name() : null, recorded.Auth) is { } picked
            ? AuthModes.Parse(picked)
            : given.Auth;
        var tenant = PickOne(OptionNames.Tenant, given.Tenant, recorded.Tenant);

        // A run that named no endpoint used its cloud's: an endpoint given on resume must be that one.
        var recordedEndpoint = recorded.ArmEndpoint ?? (given.ArmEndpoint is null ? null : recorded.ResolvedEndpoint);
        var endpoint = PickOne(OptionNames.ArmEndpoint, given.ArmEndpoint?.ToString(), recordedEndpoint, e => e.TrimEnd('/'));
        return new ConnectionArguments(cloud, endpoint is null ? null : new Uri(endpoint), tenant, auth);
    }

    private static string? PickOne(string option, string? given, string? recorded, Func<string, string>? normalize = null)
    {
        normalize ??= v => v;
        if (given is null || recorded is null)
        {
            return given ?? recorded;
        }

        return string.Equals(normalize(given), normalize(recorded), StringComparison.OrdinalIgnoreCase)
            ? given
            : throw new UsageException($"{option} {given} differs from the resumed run's ({recorded}): {OptionNames.Resume} continues the recorded run against the same Azure, so leave {option} out or give the same value.");
    }

    private static IReadOnlyList<string> Pick(string option, IReadOnlyList<string> given, IReadOnlyList<string> recorded)
    {
        if (given.Count == 0)
        {
            return recorded;
        }

        return given.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(recorded.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)
            ? given
            : throw new UsageException($"{option} {string.Join(", ", given)} differs from the resumed run's ({(recorded.Count == 0 ? "(none)" : string.Join(", ", recorded))}): {OptionNames.Resume} continues the recorded run, so leave {option} out or give the same values.");
    }

    private static Shard? PickShard(Shard? given, string? recorded)
    {
        var recordedShard = recorded is null ? null : Shard.TryParse(recorded, out _);
        if (given is null)
        {
            return recordedShard;
        }

        return given == recordedShard
            ? given
            : throw new UsageException($"{OptionNames.Shard} {given} differs from the resumed run's ({recorded ?? "(none)"}): {OptionNames.Resume} continues the recorded run.");
    }
}
