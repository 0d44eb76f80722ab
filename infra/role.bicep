// Least-privilege custom roles for azrdsfix, deployed at subscription scope:
//   az deployment sub create --location <region> --template-file infra/role.bicep
//
// Every action below is one the tool's ARM calls are authorized against (src/AzureRdsFix.Azure; the simulator names
// the same action in its 403s, src/AzureRdsFix.Simulation/Arm/ArmRoute.cs). Nothing is a wildcard.
//
// Assign the roles at subscription or resource-group scope, not on single VMs: the long-running operations the tool
// waits on (Run Command, restart, snapshot) are polled at /subscriptions/{id}/providers/Microsoft.Compute/locations/…,
// a URL outside any one VM, and ARM documents that tracking async status needs the permission at resource-group level
// or above ("Track asynchronous Azure operations", learn.microsoft.com/azure/azure-resource-manager/management/async-operations).
targetScope = 'subscription'

@description('Role name of the role for fix and rollback. Custom role names are unique per tenant.')
param operatorRoleName string = 'azrdsfix operator'

@description('Role name of the role for scan and plan.')
param readerRoleName string = 'azrdsfix reader'

@description('Scopes the roles may be assigned at (subscription or resource-group ids). Default: this subscription.')
param assignableScopes array = [
  subscription().id
]

@description('Also create the scan/plan role.')
param createReaderRole bool = true

// Shared by both roles: find the VMs, read their state, run the (read-only) probe script in the guest.
var scanActions = [
  // --subscription ID is checked to be Enabled (GET /subscriptions/{id}); no --subscription lists them.
  'Microsoft.Resources/subscriptions/read'
  // Discovery lists and reads VMs (including GET ?$expand=instanceView).
  'Microsoft.Compute/virtualMachines/read'
  // Triage falls back to GET …/virtualMachines/{name}/instanceView, which is its own action.
  'Microsoft.Compute/virtualMachines/instanceView/read'
  // The probe goes through POST …/runCommand (action Run Command; not the managed runCommands/write resource type).
  // NOTE: runCommand/action runs any script as SYSTEM in the guest. The tool only sends its read-only probe for
  // scan/plan, but the permission itself is guest administrator: treat even the "reader" role as privileged.
  'Microsoft.Compute/virtualMachines/runCommand/action'
  // Polling the Run Command long-running operation (Azure-AsyncOperation / Location under locations/{region}/operations).
  'Microsoft.Compute/locations/operations/read'
]

// fix and rollback: the above, plus the OS-disk snapshot and the restart.
var fixActions = [
  // Restart after remediation (--restart auto).
  'Microsoft.Compute/virtualMachines/restart/action'
  // The OS disk is read for its location and canonical id before the snapshot is made.
  'Microsoft.Compute/disks/read'
  // Creating a snapshot with createOption Copy from a managed disk is a linked-access check on the source disk for
  // beginGetAccess: snapshots/write alone fails with LinkedAuthorizationFailed. Caveat: beginGetAccess also lets the
  // holder export the disk (SAS URL), so keep the operator role's assignments as narrow as the fleet allows.
  'Microsoft.Compute/disks/beginGetAccess/action'
  // Create the incremental snapshot (in the disk's resource group, with the tool's tags) and read it back.
  'Microsoft.Compute/snapshots/write'
  'Microsoft.Compute/snapshots/read'
  // Snapshot creation is a DiskRP long-running operation, polled under locations/{region}/diskOperations.
  'Microsoft.Compute/locations/diskOperations/read'
  // The serial console channel (VMs whose agent is not Ready): POST …/providers/Microsoft.SerialConsole/serialPorts/0/connect.
  // Source: MS Learn "Azure built-in roles" (Virtual Machine Contributor includes it) and "Azure Serial Console for
  // Windows". Like runCommand/action it is guest-admin power (it types into a logged-in cmd), so the reader role lacks
  // it. A VM whose boot diagnostics use a custom storage account also needs storageAccounts/read and listKeys/action on
  // that account (MS Learn "Azure Serial Console" overview); managed boot diagnostics need nothing more.
  'Microsoft.SerialConsole/serialPorts/connect/action'
]

// Deliberately absent: snapshots/delete (snapshots are kept for the operator to remove), virtualMachines/write,
// runCommands/* (managed Run Command resources are not used), extensions, the rest of Microsoft.SerialConsole/* (the
// subscription switch is only read, and a refused read is not fatal: connect is refused then anyway), Microsoft.Resources/subscriptions/resourceGroups/read (the tool lists VMs in a
// group directly and never reads the group itself).

resource operatorRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'azrdsfix', operatorRoleName)
  properties: {
    roleName: operatorRoleName
    description: 'azrdsfix fix/rollback: read VMs, run the in-guest probe and remediation through Run Command, snapshot the OS disk, restart; connect to the serial console of VMs whose agent is not Ready.'
    type: 'CustomRole'
    permissions: [
      {
        actions: concat(scanActions, fixActions)
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

resource readerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (createReaderRole) {
  name: guid(subscription().id, 'azrdsfix', readerRoleName)
  properties: {
    roleName: readerRoleName
    description: 'azrdsfix scan/plan: read VMs and run the read-only in-guest probe through Run Command (Run Command is guest-admin power: treat as privileged).'
    type: 'CustomRole'
    permissions: [
      {
        actions: scanActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

@description('Resource id of the operator role definition (for role-assignment.bicep or az role assignment create --role).')
output operatorRoleDefinitionId string = operatorRole.id

@description('Resource id of the reader role definition, or empty when not created.')
output readerRoleDefinitionId string = createReaderRole ? readerRole.id : ''
