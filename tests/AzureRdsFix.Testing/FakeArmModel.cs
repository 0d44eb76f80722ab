using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Testing;

public sealed class FakeSubscription(string id, string name, string state, bool forbidden)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string State { get; set; } = state;

    /// <summary>Listed and readable, but every call below it answers 403 AuthorizationFailed.</summary>
    public bool Forbidden { get; set; } = forbidden;

    internal HashSet<string> ResourceGroups { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A Run Command as the fake received it.</summary>
public sealed record FakeRunCommandCall(string CommandId, IReadOnlyList<string> Script, IReadOnlyDictionary<string, string> Parameters);

/// <summary>What a Run Command returns on the VM's StdOut and StdErr items.</summary>
public sealed record FakeRunCommandOutput(string StdOut, string StdErr = "");

/// <summary>A VM in the fake. Mutable so that tests can change its state between calls.</summary>
public sealed class FakeVm
{
    internal FakeVm(string subscriptionId, string resourceGroup, string name, string location)
    {
        SubscriptionId = subscriptionId;
        ResourceGroup = resourceGroup;
        Name = name;
        Location = location;
        VmId = Guid.NewGuid().ToString();
        OsDiskName = $"{name}_OsDisk_1_{VmId.Replace("-", string.Empty, StringComparison.Ordinal)[..16]}";
    }

    public string SubscriptionId { get; }

    public string ResourceGroup { get; }

    public string Name { get; }

    public string Location { get; }

    public string VmId { get; }

    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{Name}";

    public string OsDiskName { get; }

    /// <summary>The OS disk id as CRP writes it into the VM document: resource group upper-cased.</summary>
    public string OsDiskIdAsReported =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup.ToUpperInvariant()}/providers/Microsoft.Compute/disks/{OsDiskName}";

    public OsKind Os { get; set; } = OsKind.Windows;

    public PowerState Power { get; set; } = PowerState.Running;

    public AgentState Agent { get; set; } = AgentState.Ready;

    public string OsName { get; set; } = "Windows Server 2019 Datacenter";

    public Dictionary<string, string> Tags { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Default Run Command stdout (e.g. "AZRDSFIX probe {...}").</summary>
    public string? ProbeStdout { get; set; }

    /// <summary>Computes the output of each Run Command; overrides <see cref="ProbeStdout"/>.</summary>
    public Func<FakeRunCommandCall, FakeRunCommandOutput>? RunCommandResponder { get; set; }

    /// <summary>How many Run Command POSTs answer 409 "execution is in progress" before one is accepted.</summary>
    public int RunCommandConflicts { get; set; }

    /// <summary>How many instance-view reads after a restart still show the agent Not Ready.</summary>
    public int AgentNotReadyReadsAfterRestart { get; set; } = 1;

    /// <summary>Run Commands received and accepted, in order.</summary>
    public List<FakeRunCommandCall> RunCommands { get; } = [];

    public int Restarts { get; internal set; }

    internal int PendingNotReadyReads { get; set; }
}

public sealed class FakeSnapshot
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Location { get; init; }

    public required string SourceResourceId { get; init; }

    public required bool Incremental { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public string ProvisioningState { get; set; } = "Updating";

    internal JsonObject? Sku { get; init; }
}

/// <summary>An error the fake answers before routing, for matching requests, a number of times.</summary>
public sealed record FakeFault(string Method, string PathContains, int Status, string Code, string Message)
{
    public int? RetryAfterSeconds { get; init; }

    public int Times { get; init; } = 1;
}
