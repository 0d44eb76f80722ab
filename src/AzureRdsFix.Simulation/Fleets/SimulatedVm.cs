using System.Security.Cryptography;
using System.Text;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Fleets;

/// <summary>
/// One simulated VM: its ARM facts, its live power/agent state and its guest. The guest starts as a fixture's state
/// shared with every VM made from that fixture and is copied on the first write, which keeps big fleets light.
/// </summary>
public sealed class SimulatedVm
{
    private GuestState? _guest;
    private bool _ownsGuest;
    private int _runCommandsRun;
    private int _writingRunCommandsRun;

    internal SimulatedVm(
        SimulatedSubscription subscription,
        string name,
        string resourceGroup,
        string location,
        OsKind os,
        PowerState power,
        AgentState agent,
        string size,
        IReadOnlyDictionary<string, string> tags,
        GuestState? sharedGuest,
        VmFaults faults)
    {
        Subscription = subscription;
        Name = name;
        ResourceGroup = resourceGroup;
        Location = location;
        Os = os;
        Power = power;
        Agent = agent;
        Size = size;
        Tags = tags;
        _guest = sharedGuest;
        Faults = faults;
        ConflictsLeft = faults.RunCommandConflicts;
        AgentFlapsLeft = faults.AgentFlaps;
        GatewayErrorsLeft = faults.RunCommandGatewayErrors;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{subscription.Id}/{resourceGroup}/{name}".ToLowerInvariant()));
        VmId = new Guid(hash.AsSpan(0, 16));
        OsDiskName = $"{name}_OsDisk_1_{Convert.ToHexStringLower(hash.AsSpan(16, 16))}";
    }

    public SimulatedSubscription Subscription { get; }

    public string SubscriptionId => Subscription.Id;

    public string Name { get; }

    public string ResourceGroup { get; }

    /// <summary>Lower-case, no-space region name (as ARM writes it in ids and operation URLs).</summary>
    public string Location { get; }

    public OsKind Os { get; }

    public string Size { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public VmFaults Faults { get; }

    public Guid VmId { get; }

    public string OsDiskName { get; }

    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{Name}";

    public string OsDiskId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/disks/{OsDiskName}";

    /// <summary>How CRP writes the disk id inside the VM document: resource group upper-cased.</summary>
    public string OsDiskIdAsCrpWritesIt =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup.ToUpperInvariant()}/providers/Microsoft.Compute/disks/{OsDiskName}";

    /// <summary>osProfile.allowExtensionOperations: false refuses Run Command (an extension operation).</summary>
    public bool AllowExtensionOperations { get; internal set; } = true;

    /// <summary>
    /// The OS disk is ephemeral (storageProfile.osDisk.diffDiskSettings.option Local): on the host's local storage, not
    /// a managed disk, so there is no disk resource to read or snapshot.
    /// </summary>
    public bool EphemeralOsDisk { get; internal set; }

    /// <summary>The OS disk is encrypted with a customer-managed key through this disk encryption set (null: platform key).</summary>
    public string? DiskEncryptionSetId { get; internal set; }

    /// <summary>Run Commands the platform accepted and ran on this VM (a script that failed in the guest counts too).</summary>
    public int RunCommandsRun => _runCommandsRun;

    /// <summary>Of <see cref="RunCommandsRun"/>, the ones whose script writes (the remediation).</summary>
    public int WritingRunCommandsRun => _writingRunCommandsRun;

    public PowerState Power { get; internal set; }

    public AgentState Agent { get; internal set; }

    /// <summary>Boot diagnostics and the serial console faults of this VM.</summary>
    public SerialConsole.SerialPortSettings SerialConsole { get; } = new();

    /// <summary>The guest as it is now (null for a VM without one, e.g. Linux). Read it, don't write it.</summary>
    public GuestState? Guest => _guest;

    /// <summary>Serialises guest changes, restarts and the one-Run-Command-at-a-time rule of this VM.</summary>
    internal Lock Sync { get; } = new();

    internal int ConflictsLeft { get; set; }

    /// <summary>The (scaled) time this VM's long-running operations took in all, as drawn: what no client can be faster than.</summary>
    public TimeSpan LroTime => TimeSpan.FromTicks(Interlocked.Read(ref _lroTicks));

    internal void AddLroTime(TimeSpan duration) => Interlocked.Add(ref _lroTicks, duration.Ticks);

    private long _lroTicks;

    /// <summary>Run Commands that ran a script which writes to the guest (remediation, rollback): tests check none ran twice.</summary>
    public int GuestWrites => WritingRunCommandsRun;

    /// <summary>Run Commands still to meet a flapped agent (see <see cref="VmFaults.AgentFlaps"/>).</summary>
    internal int AgentFlapsLeft { get; set; }

    internal int GatewayErrorsLeft { get; set; }

    /// <summary>Until then (after a restart) the agent has not reported again: the instance view shows its stale status.</summary>
    internal DateTimeOffset AgentBackAt { get; set; }

    /// <summary>The time of the agent's last status before the current restart.</summary>
    internal DateTimeOffset AgentLastReportBeforeRestart { get; set; }

    internal void CountRunCommand(bool writes)
    {
        Interlocked.Increment(ref _runCommandsRun);
        if (writes)
        {
            Interlocked.Increment(ref _writingRunCommandsRun);
        }
    }

    /// <summary>While a Run Command runs on the VM, a second one gets 409 Conflict.</summary>
    internal DateTimeOffset RunCommandBusyUntil { get; set; }

    /// <summary>Until then the VM is restarting (power state "starting").</summary>
    internal DateTimeOffset RestartingUntil { get; set; }

    internal GuestState? OwnGuest()
    {
        if (_guest is not null && !_ownsGuest)
        {
            _guest = _guest.Clone();
            _ownsGuest = true;
        }

        return _guest;
    }
}
