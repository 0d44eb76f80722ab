using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Triage;

/// <summary>Reads what ARM knows about a VM before anything runs in it: OS, power state, VM agent.</summary>
public interface IVmInspector
{
    Task<TriageFacts> GetTriageAsync(VmRef vm, CancellationToken cancellationToken);
}
