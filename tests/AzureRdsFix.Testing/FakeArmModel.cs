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
public sealed record FakeRunCommandCall(string CommandId, IReadOnlyList<string> Script, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Position of its POST in <see cref="FakeArm.Requests"/> (for "this happened before that" checks).</summary>
    public int RequestIndex { get; init; } = -1;
}

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

    /// <summary>
    /// Runs <see cref="RunCommandResponder"/> on a worker thread, outside the fake's lock, as a real Run Command runs in
    /// the guest for seconds: its operation answers InProgress until the responder returns, another Run Command on the
    /// VM meanwhile gets 409 "execution is in progress", and a responder that throws fails the operation. For slow
    /// responders (a process per Run Command, e.g. <see cref="PwshGuest"/>); other VMs are served meanwhile.
    /// </summary>
    public bool RespondInBackground { get; set; }

    /// <summary>Called when a restart LRO completes (under the fake's lock): what a reboot makes effective in the guest.</summary>
    public Action? OnRestart { get; set; }

    /// <summary>How many Run Command POSTs answer 409 "execution is in progress" before one is accepted.</summary>
    public int RunCommandConflicts { get; set; }

    /// <summary>How many instance-view reads after a restart still show the agent Not Ready.</summary>
    public int AgentNotReadyReadsAfterRestart { get; set; } = 1;

    /// <summary>
    /// How many instance-view reads right after a restart still show the agent's last status from before it (Ready, with
    /// the old time). After a restart, fresh Ready statuses carry the time of the read.
    /// </summary>
    public int StaleAgentReadsAfterRestart { get; set; }

    internal int PendingStaleReads { get; set; }

    /// <summary>Run Commands received and accepted, in order.</summary>
    public List<FakeRunCommandCall> RunCommands { get; } = [];

    public int Restarts { get; internal set; }

    internal Task<FakeRunCommandOutput>? RunningCommand { get; set; }

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

    /// <summary>Position of its PUT in <see cref="FakeArm.Requests"/>.</summary>
    public int RequestIndex { get; init; } = -1;

    internal JsonObject? Sku { get; init; }
}

/// <summary>An error the fake answers before routing, for matching requests, a number of times.</summary>
public sealed record FakeFault(string Method, string PathContains, int Status, string Code, string Message)
{
    public int? RetryAfterSeconds { get; init; }

    public int Times { get; init; } = 1;
}
