using System.CommandLine;
using System.Globalization;
using AzureRdsFix.Azure.Connection;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Cli.Arguments;

/// <summary>The options scan, plan and fix share (DESIGN.md command-line contract), and their binding to records.</summary>
public sealed class RunOptions
{
    public static readonly string[] Formats = ["json", "csv", "junit", "markdown"];
    public static readonly string[] Clouds = ["AzureCloud", "AzureChinaCloud", "AzureUSGovernment"];

    public Option<string[]> Subscription { get; } = Many(OptionNames.Subscription, "Subscription id to scan (repeatable). Default: every Enabled subscription the identity sees.");
    public Option<string[]> ResourceGroup { get; } = Many(OptionNames.ResourceGroup, "Resource group name (repeatable).");
    public Option<string[]> Vm { get; } = Many(OptionNames.Vm, "VM name or full resource id (repeatable).");
    public Option<string[]> Tag { get; } = Many(OptionNames.Tag, "Only VMs with this tag, KEY=VALUE (repeatable).");
    public Option<string?> Shard { get; } = new(OptionNames.Shard) { Description = "Take shard K of N (K/N), by a stable hash of the VM id." };

    public Option<string> Cloud { get; } = Choice(OptionNames.Cloud, "AzureCloud", Clouds, "Azure cloud.");
    public Option<string?> ArmEndpoint { get; } = new(OptionNames.ArmEndpoint) { Description = "Any ARM-compatible endpoint (https), e.g. the simulator or Azure Stack Hub." };
    public Option<string?> Tenant { get; } = new(OptionNames.Tenant) { Description = "Microsoft Entra tenant id." };
    public Option<string?> Audience { get; } = new(OptionNames.Audience) { Description = "Token audience for --arm-endpoint (default: read from the endpoint's /metadata/endpoints, as Azure Stack Hub serves it, else the cloud's)." };
    public Option<string> Auth { get; } = Choice(OptionNames.Auth, AuthMode.Default.Name(), AuthModes.Names, "How to authenticate; 'token' reads a bearer token from AZRDSFIX_ACCESS_TOKEN.");

    public Option<int> MaxParallel { get; } = new(OptionNames.MaxParallel) { Description = "Most VMs worked on at once; Azure's budgets pace the work below it.", DefaultValueFactory = _ => 2048 };
    public Option<string> Channel { get; } = Choice(OptionNames.Channel, ChannelChoice.Auto.Name(), ChannelChoices.Names, "How to run in-guest scripts: auto (Run Command when the VM agent is Ready, else the serial console when it can be used), runcommand, or serialconsole.");
    public Option<string?> SerialUser { get; } = new(OptionNames.SerialUser) { Description = "Local guest account for the serial console channel; its password is read only from AZRDSFIX_SERIAL_PASSWORD." };
    public Option<string?> SerialDomain { get; } = new(OptionNames.SerialDomain) { Description = "Domain of --serial-user (empty for a local account)." };
    public Option<string> StepTimeout { get; } = new(OptionNames.StepTimeout) { Description = "Longest one step may take, e.g. 90s, 15m, 1h.", DefaultValueFactory = _ => "15m" };
    public Option<string?> Journal { get; } = new(OptionNames.Journal) { Description = "Where to write the run journal (default: journal.jsonl in the out folder)." };
    public Option<string?> Resume { get; } = new(OptionNames.Resume) { Description = "Continue the run recorded in this journal." };

    public Option<string?> Out { get; } = new(OptionNames.Out) { Description = "Output folder (default ./azrdsfix-runs/<runId>/)." };
    public Option<string[]> Format { get; } = Many(OptionNames.Format, "Extra report format: json, csv, junit, markdown (repeatable).");
    public Option<string> FailOn { get; } = Choice(OptionNames.FailOn, "attention", ["attention", "failed", "never"], "Exit 1 when a VM is at or above this level.");
    public Option<bool> Quiet { get; } = new(OptionNames.Quiet) { Description = "Print only the final summary line." };
    public Option<int> WarnDays { get; } = new(OptionNames.WarnDays) { Description = "Warn when the grace period ends within this many days.", DefaultValueFactory = _ => 14 };

    public Option<string[]> LicenseServer { get; } = Many(OptionNames.LicenseServer, "License server to configure: FQDN, NetBIOS name or IP (repeatable, at most 4).");
    public Option<string> LicensingMode { get; } = Choice(OptionNames.LicensingMode, "PerUser", ["PerUser", "PerDevice"], "Licensing mode to set.");
    public Option<bool> RemoveRdsh { get; } = new(OptionNames.RemoveRdsh) { Description = "No license server wanted: remove the RDSH role (RDP falls back to two admin sessions)." };
    public Option<bool> RemoveLicensingRole { get; } = new(OptionNames.RemoveLicensingRole) { Description = "Remove an unused RD Licensing role." };
    public Option<string> Restart { get; } = Choice(OptionNames.Restart, "auto", ["auto", "never"], "Restart the VM through ARM when the change needs it.");
    public Option<bool> Yes { get; } = new(OptionNames.Yes) { Description = "Do not ask for confirmation (required without a terminal)." };

    public void AddScanOptions(Command command)
    {
        foreach (var option in new Option[]
        {
            Subscription, ResourceGroup, Vm, Tag, Shard, Cloud, ArmEndpoint, Audience, Tenant, Auth,
            MaxParallel, Channel, SerialUser, SerialDomain, StepTimeout, Journal, Resume, Out, Format, FailOn, Quiet, WarnDays,
        })
        {
            command.Options.Add(option);
        }
    }

    public void AddFixOptions(Command command, bool withYes)
    {
        command.Options.Add(LicenseServer);
        command.Options.Add(LicensingMode);
        command.Options.Add(RemoveRdsh);
        command.Options.Add(RemoveLicensingRole);
        command.Options.Add(Restart);
        if (withYes)
        {
            command.Options.Add(Yes);
        }
    }

    /// <summary>Binds and validates; throws <see cref="UsageException"/> with one sentence on bad input.</summary>
    public RunArguments Bind(ParseResult result, RunCommand command)
    {
        var scope = new ScopeArguments(
            result.GetValue(Subscription)!.Select(ValidateSubscription).ToArray(),
            result.GetValue(ResourceGroup)!.Select(ValidateResourceGroup).ToArray(),
            result.GetValue(Vm)!.Select(ValidateVm).ToArray(),
            result.GetValue(Tag)!.Select(ParseTag).ToArray(),
            ParseShard(result.GetValue(Shard)));

        var connection = BindConnection(result);

        var execution = BindExecution(result) with { JournalPath = result.GetValue(Journal), ResumePath = result.GetValue(Resume) };

        var output = BindOutput(result);

        var warnDays = result.GetValue(WarnDays);
        if (warnDays is < 0 or > 180)
        {
            throw new UsageException($"{OptionNames.WarnDays} {warnDays} is out of range: expected a whole number of days from 0 to 180.");
        }

        return new RunArguments(command, scope, connection, execution, output, warnDays, command == RunCommand.Scan ? null : BindFix(result));
    }

    /// <summary>How the engine reaches and paces the guests: rollback takes these as scan, plan and fix do.</summary>
    public void AddGuestOptions(Command command)
    {
        foreach (var option in new Option[] { MaxParallel, Channel, SerialUser, SerialDomain, StepTimeout })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The execution options of <see cref="AddGuestOptions"/>; the journal and resume paths are the caller's.</summary>
    public ExecutionArguments BindExecution(ParseResult result)
    {
        var maxParallel = result.GetValue(MaxParallel);
        if (maxParallel is < 1 or > 16384)
        {
            throw new UsageException($"{OptionNames.MaxParallel} {maxParallel} is out of range: expected a whole number from 1 to 16384.");
        }

        var serialUser = ValidateSerialName(OptionNames.SerialUser, result.GetValue(SerialUser));
        var serialDomain = ValidateSerialName(OptionNames.SerialDomain, result.GetValue(SerialDomain));
        var channel = ChannelChoices.Parse(result.GetValue(Channel)!);
        if (channel == ChannelChoice.SerialConsole && serialUser is null)
        {
            throw new UsageException($"{OptionNames.Channel} serialconsole needs a guest account: give {OptionNames.SerialUser} NAME and set its password in {OptionNames.SerialPasswordVariable}.");
        }

        return new ExecutionArguments(
            maxParallel,
            channel,
            ParseDuration(OptionNames.StepTimeout, result.GetValue(StepTimeout)!),
            JournalPath: null,
            ResumePath: null)
        {
            SerialUser = serialUser,
            SerialDomain = serialDomain,
        };
    }

    public void AddConnectionOptions(Command command)
    {
        foreach (var option in new Option[] { Cloud, ArmEndpoint, Audience, Tenant, Auth })
        {
            command.Options.Add(option);
        }
    }

    public void AddOutputOptions(Command command)
    {
        foreach (var option in new Option[] { Out, Format, FailOn, Quiet })
        {
            command.Options.Add(option);
        }
    }

    public ConnectionArguments BindConnection(ParseResult result) => new(
        result.GetValue(Cloud)!,
        ParseEndpoint(result.GetValue(ArmEndpoint)),
        ValidateTenant(result.GetValue(Tenant)),
        AuthModes.Parse(result.GetValue(Auth)!),
        ValidateAudience(result.GetValue(Audience)));

    private static string? ValidateAudience(string? text) => text is null || (text.Trim().Length > 0 && !text.Any(char.IsWhiteSpace))
        ? text
        : throw new UsageException($"{OptionNames.Audience} '{text}' is not a token audience: expected an application ID URI such as https://management.azure.com/ (no spaces).");

    public OutputArguments BindOutput(ParseResult result)
    {
        var formats = result.GetValue(Format)!;
        foreach (var format in formats.Where(f => !Formats.Contains(f, StringComparer.OrdinalIgnoreCase)))
        {
            throw new UsageException($"{OptionNames.Format} '{format}' is not a report format: expected one of {string.Join(", ", Formats)}.");
        }

        return new OutputArguments(
            result.GetValue(Out),
            formats.Select(f => f.ToLowerInvariant()).Distinct().ToArray(),
            Enum.Parse<Core.Reporting.FailOn>(result.GetValue(FailOn)!, ignoreCase: true),
            result.GetValue(Quiet));
    }

    private FixArguments BindFix(ParseResult result)
    {
        var servers = result.GetValue(LicenseServer)!;
        foreach (var server in servers)
        {
            if (HostName.Validate(OptionNames.LicenseServer, server) is { } error)
            {
                throw new UsageException(error);
            }
        }

        if (servers.Length > 4)
        {
            throw new UsageException($"{OptionNames.LicenseServer} was given {servers.Length} times: at most 4 license servers can be configured.");
        }

        var removeRdsh = result.GetValue(RemoveRdsh);
        if (removeRdsh && servers.Length > 0)
        {
            throw new UsageException($"{OptionNames.RemoveRdsh} and {OptionNames.LicenseServer} contradict each other: remove the role, or configure a license server, not both.");
        }

        return new FixArguments(
            servers.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            result.GetValue(LicensingMode) == "PerDevice" ? 2 : 4,
            removeRdsh,
            result.GetValue(RemoveLicensingRole),
            Enum.Parse<RestartPolicy>(result.GetValue(Restart)!, ignoreCase: true),
            result.GetValue(Yes));
    }

    private static string ValidateSubscription(string text) => Guid.TryParseExact(text, "D", out _)
        ? text.ToLowerInvariant()
        : throw new UsageException($"{OptionNames.Subscription} '{text}' is not a subscription id: expected a GUID such as 00000000-0000-0000-0000-000000000000.");

    private static string? ValidateTenant(string? text) => text is null || Guid.TryParseExact(text, "D", out _) || HostName.IsValid(text)
        ? text
        : throw new UsageException($"{OptionNames.Tenant} '{text}' is not a tenant: expected a tenant GUID or a domain such as contoso.onmicrosoft.com.");

    private static string ValidateResourceGroup(string text) => text.Length is > 0 and <= 90 && !text.EndsWith('.') && text.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '(' or ')')
        ? text
        : throw new UsageException($"{OptionNames.ResourceGroup} '{text}' is not a resource group name: expected 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.");

    private static string ValidateVm(string text)
    {
        if (text.StartsWith('/'))
        {
            var parts = text.Trim('/').Split('/');
            var ok = parts.Length == 8
                && parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(parts[1], out _)
                && parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
                && parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase)
                && parts[5].Equals("Microsoft.Compute", StringComparison.OrdinalIgnoreCase)
                && parts[6].Equals("virtualMachines", StringComparison.OrdinalIgnoreCase);
            return ok ? text : throw new UsageException($"{OptionNames.Vm} '{text}' is not a VM resource id: expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>.");
        }

        return text.Length is > 0 and <= 64 && text.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.')
            ? text
            : throw new UsageException($"{OptionNames.Vm} '{text}' is not a VM name: expected 1-64 letters, digits, '-', '_' or '.', or a full resource id.");
    }

    private static KeyValuePair<string, string> ParseTag(string text)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        return at > 0
            ? new KeyValuePair<string, string>(text[..at], text[(at + 1)..])
            : throw new UsageException($"{OptionNames.Tag} '{text}' is not a tag filter: expected KEY=VALUE, e.g. --tag role=rdsh.");
    }

    private static Shard? ParseShard(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return Core.Model.Shard.TryParse(text, out var error) ?? throw new UsageException(error!);
    }

    private static Uri? ParseEndpoint(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query)
            ? uri
            : throw new UsageException($"{OptionNames.ArmEndpoint} '{text}' is not an ARM endpoint: expected an absolute https URL such as https://management.azure.com/.");
    }

    public static TimeSpan ParseDuration(string optionName, string text)
    {
        var value = text.Trim();
        if (value.Length > 1 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? span = char.ToLowerInvariant(value[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => null,
            };
            if (span is { } s && s <= TimeSpan.FromHours(6))
            {
                return s;
            }
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero && parsed <= TimeSpan.FromHours(6))
        {
            return parsed;
        }

        throw new UsageException($"{optionName} '{text}' is not a duration: expected a number with s, m or h (e.g. 90s, 15m) or hh:mm:ss, at most 6 hours.");
    }

    private static Option<string[]> Many(string name, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => [],
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<string> Choice(string name, string defaultValue, string[] choices, string description)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    /// <summary>A SAC login field is typed into the console: one short line of printable characters.</summary>
    private static string? ValidateSerialName(string option, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length is 0 or > 104 || value.Any(char.IsControl))
        {
            throw new UsageException($"{option} must be 1 to 104 printable characters (a Windows account or domain name).");
        }

        return value;
    }
}
