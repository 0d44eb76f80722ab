namespace AzureRdsFix.Core.Model;

public enum OsKind { Unknown, Windows, Linux }

public enum PowerState { Unknown, Running, Starting, Stopping, Stopped, Deallocating, Deallocated }

public enum AgentState { Unknown, Ready, NotReady, Absent }

/// <summary>
/// What the VM model and instance view say about a VM before anything runs in it. <see cref="ExtensionOperationsAllowed"/>
/// is the model's osProfile.allowExtensionOperations (false: Azure refuses Run Command, which is an extension).
/// <see cref="AgentStatusTime"/> is the time of the agent's Ready status, when it carries one.
/// </summary>
public sealed record TriageFacts(OsKind Os, PowerState Power, AgentState Agent, string? OsName = null)
{
    public bool ExtensionOperationsAllowed { get; init; } = true;

    public DateTimeOffset? AgentStatusTime { get; init; }

    /// <summary>Run Command is only ever sent to a running Windows VM whose agent is Ready and that allows extensions.</summary>
    public bool CanRunCommand => Os == OsKind.Windows && Power == PowerState.Running && Agent == AgentState.Ready && ExtensionOperationsAllowed;
}
