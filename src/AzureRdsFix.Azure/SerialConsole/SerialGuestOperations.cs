using System.Globalization;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// The probe and the remediation as serial console command sequences, producing the same <see cref="ProbeFacts"/> and
/// <see cref="RemediationResult"/> as the Run Command scripts (docs/guest-contract.md), so rules, planner, journaling,
/// rollback and verify do not know which channel ran. The remediation follows Set-RdsLicensing.ps1 step for step: read
/// every value first, refuse under Group Policy or with an unreachable server, write, read back.
/// </summary>
public static class SerialGuestOperations
{
    /// <summary>What the serial probe cannot read (events, OS, domain) is said once in the facts' warnings.</summary>
    public const string ProbeWarning = "SerialConsole: read over the serial console; event counts, OS and domain were not read.";

    private const int MaxListEntries = 4;

    public static async Task<ProbeFacts> ProbeAsync(SacDriver driver, SacOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(options);
        var installState = (await QueryAsync(driver, SerialCommands.RdshCacheKey, SerialCommands.InstallState, cancellationToken))?.DWord;
        var licensingRole = (await QueryAsync(driver, SerialCommands.LicensingRoleCacheKey, SerialCommands.InstallState, cancellationToken))?.DWord;
        var localMode = (await QueryAsync(driver, SerialCommands.LicensingCoreKey, SerialCommands.LicensingMode, cancellationToken))?.DWord;
        var policyMode = (await QueryAsync(driver, SerialCommands.PolicyKey, SerialCommands.LicensingMode, cancellationToken))?.DWord;
        var localServers = (await QueryAsync(driver, SerialCommands.LicenseServersKey, SerialCommands.SpecifiedLicenseServers, cancellationToken))?.Entries ?? [];
        var policyServers = (await QueryAsync(driver, SerialCommands.PolicyKey, SerialCommands.PolicyLicenseServers, cancellationToken))?.Entries ?? [];
        var grace = SerialCommands.ParseGrace(await driver.RunAsync(SerialCommands.Grace(), null, cancellationToken));

        var effective = policyServers.Count > 0 ? policyServers : localServers;
        var reach = new List<Reachability>();
        foreach (var host in effective.Take(MaxListEntries).Where(Core.Model.HostName.IsValid))
        {
            var result = SerialCommands.ParseReach(await driver.RunAsync(SerialCommands.Reach(host), null, cancellationToken));
            reach.Add(new Reachability(host, result?.Dns ?? false, result?.Tcp135 ?? false));
        }

        return new ProbeFacts
        {
            Rdsh = new RdshFacts { InstallState = installState },
            LicensingMode = new ModeFacts { Local = localMode, Policy = policyMode },
            LicenseServers = new ServerFacts
            {
                Local = [.. localServers.Take(MaxListEntries)],
                Policy = [.. policyServers.Take(MaxListEntries)],
                Truncated = localServers.Count > MaxListEntries || policyServers.Count > MaxListEntries,
            },
            GraceDays = grace,
            Reach = reach,
            LicensingRole = FeatureState(licensingRole),
            Warnings = [new Core.Probing.ProbeWarning(ProbeWarning, "SerialConsole")],
        };
    }

    public static async Task<RemediationResult> RemediateAsync(SacDriver driver, RemediationParameters parameters, SacOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        if (parameters.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(parameters));
        }

        var isApply = string.Equals(parameters.Operation, nameof(RemediationOperation.Apply), StringComparison.OrdinalIgnoreCase);
        var asksMode = !string.IsNullOrEmpty(parameters.LicensingMode);
        var asksServers = !string.IsNullOrEmpty(parameters.LicenseServers);
        var roles = new List<(string Setting, string CacheKey, string DismName)>();
        if (IsTrue(parameters.RemoveRdsh))
        {
            roles.Add((RemediationSettings.RdshRole, SerialCommands.RdshCacheKey, SerialCommands.RdshDismFeature));
        }

        if (IsTrue(parameters.RemoveLicensingRole))
        {
            roles.Add((RemediationSettings.LicensingRole, SerialCommands.LicensingRoleCacheKey, SerialCommands.LicensingDismFeature));
        }

        var modeBefore = asksMode ? await ModeAsync(driver, cancellationToken) : null;
        var serversBefore = asksServers ? await ServersAsync(driver, cancellationToken) : null;
        var rolesBefore = new Dictionary<string, string?>();
        foreach (var role in roles)
        {
            rolesBefore[role.Setting] = FeatureState((await QueryAsync(driver, role.CacheKey, SerialCommands.InstallState, cancellationToken))?.DWord);
        }

        string? blocked = null;
        var unreachable = new List<string>();
        if ((asksMode || asksServers) && await PolicyManagedAsync(driver, cancellationToken))
        {
            blocked = RemediationBlock.GroupPolicy;
        }
        else if (isApply && asksServers)
        {
            foreach (var host in parameters.LicenseServers!.Split(','))
            {
                var reach = SerialCommands.ParseReach(await driver.RunAsync(SerialCommands.Reach(host), null, cancellationToken));
                if (reach is not (true, true))
                {
                    unreachable.Add(host);
                }
            }

            blocked = unreachable.Count > 0 ? RemediationBlock.Unreachable : null;
        }

        if (blocked is not null)
        {
            var unchanged = new List<RemediationChange>();
            if (asksMode)
            {
                unchanged.Add(Change(RemediationSettings.LicensingMode, modeBefore, modeBefore));
            }

            if (asksServers)
            {
                unchanged.Add(Change(RemediationSettings.SpecifiedLicenseServers, serversBefore, serversBefore));
            }

            unchanged.AddRange(roles.Select(r => Change(r.Setting, rolesBefore[r.Setting], rolesBefore[r.Setting])));
            return Result(parameters.Operation, RemediationStatus.Blocked, blocked, unreachable, unchanged, method: null);
        }

        var wrote = false;
        var changes = new List<RemediationChange>();
        if (asksMode)
        {
            var target = IsAbsent(parameters.LicensingMode) ? null : parameters.LicensingMode;
            if (target is null && modeBefore is not null)
            {
                await RunCheckedAsync(driver, SerialCommands.Delete(SerialCommands.LicensingCoreKey, SerialCommands.LicensingMode), "reg delete of LicensingMode", cancellationToken);
                wrote = true;
            }
            else if (target is not null && target != modeBefore)
            {
                var mode = int.Parse(target, CultureInfo.InvariantCulture);
                await RunCheckedAsync(driver, SerialCommands.SetDWord(SerialCommands.LicensingCoreKey, SerialCommands.LicensingMode, mode), "reg add of LicensingMode", cancellationToken);
                wrote = true;
            }

            changes.Add(Change(RemediationSettings.LicensingMode, modeBefore, await ModeAsync(driver, cancellationToken)));
        }

        if (asksServers)
        {
            var target = IsAbsent(parameters.LicenseServers) ? null : parameters.LicenseServers;
            if (target is null && serversBefore is not null)
            {
                await RunCheckedAsync(driver, SerialCommands.Delete(SerialCommands.LicenseServersKey, SerialCommands.SpecifiedLicenseServers), "reg delete of SpecifiedLicenseServers", cancellationToken);
                wrote = true;
            }
            else if (target is not null && !string.Equals(target, serversBefore, StringComparison.OrdinalIgnoreCase))
            {
                await RunCheckedAsync(driver, SerialCommands.SetMultiString(SerialCommands.LicenseServersKey, SerialCommands.SpecifiedLicenseServers, target.Split(',')), "reg add of SpecifiedLicenseServers", cancellationToken);
                wrote = true;
            }

            changes.Add(Change(RemediationSettings.SpecifiedLicenseServers, serversBefore, await ServersAsync(driver, cancellationToken)));
        }

        foreach (var role in roles)
        {
            var after = rolesBefore[role.Setting];
            if (after == "Installed")
            {
                var output = await driver.RunAsync(SerialCommands.DisableFeature(role.DismName), options.LongCommandTimeout, cancellationToken);
                if (output.ExitCode is not (0 or SerialCommands.RebootRequired))
                {
                    throw new SerialConsoleException(SerialFailure.Protocol, $"dism /disable-feature of {role.DismName} exited with code {output.ExitCode}");
                }

                after = "Available";
            }

            changes.Add(Change(role.Setting, rolesBefore[role.Setting], after));
        }

        return Result(parameters.Operation, status: null, blocked: null, [], changes, wrote ? "Registry" : null);
    }

    private static async Task<RegValue?> QueryAsync(SacDriver driver, string key, string value, CancellationToken cancellationToken)
        => SerialCommands.ParseQuery(await driver.RunAsync(SerialCommands.Query(key, value), null, cancellationToken), value);

    private static async Task RunCheckedAsync(SacDriver driver, string line, string what, CancellationToken cancellationToken)
        => SerialCommands.EnsureSucceeded(await driver.RunAsync(line, null, cancellationToken), what);

    private static async Task<string?> ModeAsync(SacDriver driver, CancellationToken cancellationToken)
    {
        var value = await QueryAsync(driver, SerialCommands.LicensingCoreKey, SerialCommands.LicensingMode, cancellationToken);
        return value is null ? null : value.DWord is { } mode ? ((uint)mode).ToString(CultureInfo.InvariantCulture) : value.Data;
    }

    /// <summary>Comma-joined; an empty list counts as absent (as the script reports it).</summary>
    private static async Task<string?> ServersAsync(SacDriver driver, CancellationToken cancellationToken)
    {
        var entries = (await QueryAsync(driver, SerialCommands.LicenseServersKey, SerialCommands.SpecifiedLicenseServers, cancellationToken))?.Entries ?? [];
        return entries.Count == 0 ? null : string.Join(',', entries);
    }

    private static async Task<bool> PolicyManagedAsync(SacDriver driver, CancellationToken cancellationToken) =>
        await QueryAsync(driver, SerialCommands.PolicyKey, SerialCommands.LicensingMode, cancellationToken) is not null
        || ((await QueryAsync(driver, SerialCommands.PolicyKey, SerialCommands.PolicyLicenseServers, cancellationToken))?.Entries.Count ?? 0) > 0;

    /// <summary>Server Manager's component cache InstallState: 1 installed, 0 available (not installed).</summary>
    private static string? FeatureState(int? installState) => installState switch
    {
        1 => "Installed",
        0 => "Available",
        _ => null,
    };

    private static RemediationChange Change(string setting, string? before, string? after) =>
        new(setting, before, after, !string.Equals(before, after, StringComparison.OrdinalIgnoreCase));

    private static RemediationResult Result(string operation, string? status, string? blocked, List<string> unreachable, List<RemediationChange> changes, string? method)
    {
        var changed = changes.Any(c => c.Changed);
        return new RemediationResult
        {
            Operation = operation,
            Status = status ?? (changed ? RemediationStatus.Applied : RemediationStatus.NoChange),
            Blocked = blocked,
            Unreachable = unreachable,
            Changes = changes,
            RestartNeeded = status is null && changed,
            Method = method,
        };
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsAbsent(string? value) => string.Equals(value, RemediationParameters.Absent, StringComparison.OrdinalIgnoreCase);
}
