using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Fleets;

/// <summary>Checks a parsed fleet file and builds the live fleet; every problem is one sentence naming the file.</summary>
internal static class FleetBuilder
{
    public const string DefaultTenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static readonly string[] States = ["Enabled", "Warned", "PastDue", "Disabled", "Deleted"];

    public static Fleet Build(FleetFile file, string source)
    {
        var faults = file.Faults is { } f
            ? new FleetFaults(f.ThrottleEvery, f.ServerErrorEvery, TimeSpan.FromMilliseconds(f.LroDelayMs), f.LatencyScale ?? 0)
            : FleetFaults.None;
        if (faults.ThrottleEvery < 0 || faults.ServerErrorEvery < 0 || faults.LroDelay < TimeSpan.Zero || faults.LatencyScale < 0)
        {
            throw Error(source, "faults must not be negative");
        }

        var pageSizes = file.Paging?.PageSizes is { Count: > 0 } sizes ? sizes : [.. Fleet.DefaultPageSizes];
        if (pageSizes.Any(size => size < 0) || pageSizes.All(size => size == 0))
        {
            throw Error(source, "paging.pageSizes must be non-negative and not all zero");
        }

        var throttle = file.Throttle is { } t ? new ThrottleSettings(t.Enabled, t.TimeScale ?? 1) : ThrottleSettings.Off;
        var tenant = file.TenantId ?? DefaultTenantId;
        if (!Guid.TryParse(tenant, out _))
        {
            throw Error(source, $"tenantId '{tenant}' is not a GUID");
        }

        var fleet = new Fleet(tenant, file.LicenseServer, faults, pageSizes, throttle);
        foreach (var sub in file.Subscriptions ?? [])
        {
            if (sub.Id is null || !Guid.TryParse(sub.Id, out _))
            {
                throw Error(source, $"subscription id '{sub.Id}' is not a GUID");
            }

            var state = States.FirstOrDefault(s => string.Equals(s, sub.State ?? "Enabled", StringComparison.OrdinalIgnoreCase))
                ?? throw Error(source, $"subscription '{sub.Id}' has state '{sub.State}'; expected one of {string.Join(", ", States)}");
            var subscription = Wrap(source, () => fleet.AddSubscription(sub.Id, sub.DisplayName ?? sub.Id, state, sub.Forbidden));
            foreach (var vm in sub.Vms ?? [])
            {
                AddVm(source, subscription, vm);
            }
        }

        return fleet;
    }

    private static void AddVm(string source, SimulatedSubscription subscription, VmFile vm)
    {
        if (string.IsNullOrWhiteSpace(vm.Name) || string.IsNullOrWhiteSpace(vm.ResourceGroup))
        {
            throw Error(source, $"a VM in subscription '{subscription.Id}' has no name or resourceGroup");
        }

        var os = Parse(source, vm, "os", vm.Os ?? "Windows", (OsKind.Windows, "Windows"), (OsKind.Linux, "Linux"));
        var power = Parse(source, vm, "power", vm.Power ?? "running",
            (PowerState.Running, "running"), (PowerState.Deallocated, "deallocated"), (PowerState.Stopped, "stopped"));
        var agent = Parse(source, vm, "agent", vm.Agent ?? "Ready", (AgentState.Ready, "Ready"), (AgentState.NotReady, "NotReady"));
        var guest = os == OsKind.Windows ? Guest(source, vm) : null;
        var faults = vm.Faults is { } f
            ? new VmFaults(f.RunCommandConflicts, f.TruncateStdout, f.StderrNoise, f.RunCommandGatewayErrors, TimeSpan.FromMilliseconds(f.AgentLagAfterRestartMs), f.AgentFlaps)
            : VmFaults.None;
        if (faults.RunCommandConflicts < 0 || faults.AgentFlaps < 0 || faults.RunCommandGatewayErrors < 0 || faults.AgentLagAfterRestart < TimeSpan.Zero)
        {
            throw Error(source, $"VM '{vm.Name}' has a negative fault count or time");
        }

        if (vm.DiskEncryptionSetId is { } des && !des.Contains("/providers/Microsoft.Compute/diskEncryptionSets/", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(source, $"VM '{vm.Name}' has diskEncryptionSetId '{des}'; expected a resource id of a Microsoft.Compute/diskEncryptionSets resource");
        }

        if (vm.EphemeralOsDisk && vm.DiskEncryptionSetId is not null)
        {
            throw Error(source, $"VM '{vm.Name}' has both ephemeralOsDisk and diskEncryptionSetId; an ephemeral OS disk is not a managed disk and has no disk encryption set");
        }

        var created = Wrap(source, () => Fleet.NewVm(
            subscription, vm.Name, vm.ResourceGroup, vm.Location ?? "westeurope", os, power, agent, vm.Size ?? "Standard_D2s_v5",
            vm.Tags ?? [], guest, faults));
        created.AllowExtensionOperations = vm.AllowExtensionOperations ?? true;
        created.EphemeralOsDisk = vm.EphemeralOsDisk;
        created.DiskEncryptionSetId = vm.DiskEncryptionSetId;
    }

    private static GuestState Guest(string source, VmFile vm)
    {
        switch (vm.Guest)
        {
            case JsonValue value when value.TryGetValue<string>(out var name):
                if (!GuestFixtures.Exists(name))
                {
                    throw Error(source, $"VM '{vm.Name}' names guest fixture '{name}', which does not exist; known fixtures: {string.Join(", ", GuestFixtures.Names)}");
                }

                return GuestFixtures.Get(name).CreateState();
            case JsonObject inline:
                try
                {
                    return GuestState.Parse(inline);
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException)
                {
                    throw Error(source, $"VM '{vm.Name}' has an inline guest that does not follow docs/guest-contract.md: {e.Message.TrimEnd('.')}");
                }

            default:
                throw Error(source, $"Windows VM '{vm.Name}' needs \"guest\": a fixture name or an inline guest object");
        }
    }

    private static T Parse<T>(string source, VmFile vm, string field, string text, params (T Value, string Name)[] choices) =>
        choices.FirstOrDefault(c => string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase)) is { Name: not null } hit
            ? hit.Value
            : throw Error(source, $"VM '{vm.Name}' has {field} '{text}'; expected {string.Join(" or ", choices.Select(c => c.Name))}");

    private static T Wrap<T>(string source, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FleetFormatException e)
        {
            throw Error(source, e.Message.TrimEnd('.'));
        }
    }

    private static FleetFormatException Error(string source, string problem) => new($"Fleet file '{source}': {problem}.");
}
