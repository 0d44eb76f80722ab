namespace AzureRdsFix.Core.Model;

public enum OsKind { Unknown, Windows, Linux }

public enum PowerState { Unknown, Running, Starting, Stopping, Stopped, Deallocating, Deallocated }

public enum AgentState { Unknown, Ready, NotReady, Absent }

/// <summary>What the instance view says about a VM before anything runs in it.</summary>
public sealed record TriageFacts(OsKind Os, PowerState Power, AgentState Agent, string? OsName = null)
{
    /// <summary>Run Command is only ever sent to a running Windows VM whose agent is Ready.</summary>
    public bool CanRunCommand => Os == OsKind.Windows && Power == PowerState.Running && Agent == AgentState.Ready;
}
