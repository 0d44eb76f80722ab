// Assigns an azrdsfix role (from role.bicep) to a principal on this subscription:
//   az deployment sub create --location <region> --template-file infra/role-assignment.bicep \
//     --parameters principalId=<object id> roleDefinitionId=<operatorRoleDefinitionId output of role.bicep>
// For a narrower scope, assign at resource-group level instead (az role assignment create --scope /subscriptions/…/resourceGroups/…);
// not on single VMs: the tool polls long-running operations at subscription-level URLs (see role.bicep).
targetScope = 'subscription'

@description('Object id of the principal: for an Azure DevOps workload identity service connection, its service principal (enterprise application) object id.')
param principalId string

@description('Full resource id of the role definition: the operatorRoleDefinitionId or readerRoleDefinitionId output of role.bicep.')
param roleDefinitionId string

@description('Kind of principal; ServicePrincipal avoids replication-delay failures right after the principal is created.')
@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string = 'ServicePrincipal'

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: roleDefinitionId
    description: 'azrdsfix: scan/fix Remote Desktop licensing on this subscription\'s VMs'
  }
}

@description('Resource id of the role assignment.')
output roleAssignmentId string = assignment.id
