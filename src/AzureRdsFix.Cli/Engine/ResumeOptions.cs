using System.Text.Json.Nodes;
using AzureRdsFix.Cli.Arguments;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Cli.Engine;

/// <summary>
/// --resume continues the recorded run: its scope and fix options come from the journal. Options given again must say
/// the same thing; a different scope or fix would not be the same run.
/// </summary>
public static class ResumeOptions
{
    public static RunArguments Apply(RunArguments args, JsonObject? recorded)
    {
        if (recorded is null)
        {
            return args;
        }

        var scope = new ScopeArguments(
            Pick(OptionNames.Subscription, args.Scope.Subscriptions, Strings(recorded, "subscriptions")),
            Pick(OptionNames.ResourceGroup, args.Scope.ResourceGroups, Strings(recorded, "resourceGroups")),
            Pick(OptionNames.Vm, args.Scope.Vms, Strings(recorded, "vms")),
            Pick(OptionNames.Tag, args.Scope.Tags.Select(t => $"{t.Key}={t.Value}").ToArray(), Strings(recorded, "tags"))
                .Select(t => new KeyValuePair<string, string>(t[..t.IndexOf('=', StringComparison.Ordinal)], t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..]))
                .ToArray(),
            PickShard(args.Scope.Shard, recorded["shard"]?.GetValue<string>()));

        var fix = args.Fix;
        if (fix is not null && recorded["licenseServers"] is JsonArray)
        {
            var servers = Pick(OptionNames.LicenseServer, fix.LicenseServers, Strings(recorded, "licenseServers"));
            var removeRdsh = fix.RemoveRdsh || recorded["removeRdsh"]?.GetValue<bool>() == true;
            var removeRole = fix.RemoveLicensingRole || recorded["removeLicensingRole"]?.GetValue<bool>() == true;
            var mode = recorded["licensingMode"]?.GetValue<int>() ?? fix.LicensingMode;
            fix = fix with { LicenseServers = servers, RemoveRdsh = removeRdsh, RemoveLicensingRole = removeRole, LicensingMode = mode };
        }

        // The serial console account (never its password) carries over, so a resumed run reaches the same VMs the same way.
        var execution = args.Execution.SerialUser is null && recorded["serialUser"]?.GetValue<string>() is { } serialUser
            ? args.Execution with { SerialUser = serialUser, SerialDomain = args.Execution.SerialDomain ?? recorded["serialDomain"]?.GetValue<string>() }
            : args.Execution;
        return args with { Scope = scope, Fix = fix, Execution = execution };
    }

    private static IReadOnlyList<string> Pick(string option, IReadOnlyList<string> given, IReadOnlyList<string> recorded)
    {
        if (given.Count == 0)
        {
            return recorded;
        }

        return given.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(recorded.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)
            ? given
            : throw new UsageException($"{option} {string.Join(", ", given)} differs from the resumed run's ({(recorded.Count == 0 ? "none" : string.Join(", ", recorded))}): {OptionNames.Resume} continues the recorded run, so leave {option} out or give the same values.");
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
            : throw new UsageException($"{OptionNames.Shard} {given} differs from the resumed run's ({recorded ?? "none"}): {OptionNames.Resume} continues the recorded run.");
    }

    private static IReadOnlyList<string> Strings(JsonObject recorded, string name)
        => recorded[name] is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToArray() : [];
}
