namespace AzureRdsFix.Simulation.SerialConsole;

/// <summary>One VM's serial console as the simulator serves it, and the faults tests inject into it.</summary>
public sealed class SerialPortSettings
{
    /// <summary>Boot diagnostics on (managed storage). The console needs it (reference/serial-console.md §1).</summary>
    public bool BootDiagnostics { get; set; } = true;

    /// <summary>The guest answers every login with "Unable to authenticate.".</summary>
    public bool LoginRefused { get; set; }

    /// <summary>The identity lacks Microsoft.SerialConsole/serialPorts/connect/action on this VM: connect answers 403.</summary>
    public bool ConnectForbidden { get; set; }

    /// <summary>
    /// Drops the websocket once, right after the guest has run the first cmd line starting with this text (e.g.
    /// "reg add"): the change is made, the tool never sees the result. Cleared when it fires.
    /// </summary>
    public string? DropAfterCommand { get; set; }

    /// <summary>SAC prints nothing at all (SAC not enabled in the guest, reference §5).</summary>
    public bool Silent { get; set; }
}
