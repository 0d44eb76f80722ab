using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using AzureRdsFix.Azure.Discovery;
using AzureRdsFix.Core.Model;

namespace AzureRdsFix.Azure.Triage;

/// <summary>
/// One GET of the VM with <c>$expand=instanceView</c> gives the OS (storage profile) and the instance view in one
/// LowCostGet; an endpoint that ignores the expand costs a second call to <c>/instanceView</c>.
/// </summary>
public sealed class ArmVmInspector(ArmClient client) : IVmInspector
{
    public async Task<TriageFacts> GetTriageAsync(VmRef vm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var resource = client.GetVirtualMachineResource(new ResourceIdentifier(vm.Id));
        var response = await resource.GetAsync(InstanceViewType.InstanceView, cancellationToken);
        var data = response.Value.Data;
        var instanceView = data.InstanceView ?? (await resource.InstanceViewAsync(cancellationToken)).Value;
        // osProfile.allowExtensionOperations (virtualMachine.json): "Specifies whether extension operations should be
        // allowed on the virtual machine"; Run Command is delivered as an extension, so false means no Run Command.
        return TriageReader.Read(ArmFleetDiscovery.ToOsKind(data.StorageProfile?.OSDisk?.OSType), instanceView) with
        {
            ExtensionOperationsAllowed = data.OSProfile?.AllowExtensionOperations != false,
        };
    }
}
