// A small lab for trying azrdsfix on real Azure: N Windows Server VMs with the Remote Desktop Session Host role and
// no license server configured, i.e. the state the tool diagnoses (in the 120-day grace period: RDS002-RDS004; after
// it, RDS001). Deploy into an empty resource group:
//   az group create --name rg-azrdsfix-lab --location <region>
//   az deployment group create --resource-group rg-azrdsfix-lab --template-file infra/lab.bicep \
//     --parameters adminPassword=<a password>          (or omit it and the CLI prompts for it)
//
// No public IP and no inbound RDP from the internet: azrdsfix works through ARM and Run Command only. Set
// deployBastion=true to reach the desktops through Azure Bastion when you want to see the RDP refusal yourself.

@description('Region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Prefix of every resource name (VMs are <prefix>-01, <prefix>-02, …; Windows computer names are at most 15 characters).')
@minLength(1)
@maxLength(10)
param namePrefix string = 'rdsh'

@description('Number of session host VMs.')
@minValue(1)
@maxValue(20)
param vmCount int = 2

@description('VM size.')
param vmSize string = 'Standard_D2s_v5'

@description('Windows Server image SKU (publisher MicrosoftWindowsServer, offer WindowsServer); a Gen2 SKU, the VMs use Trusted Launch.')
param imageSku string = '2022-datacenter-g2'

@description('Local administrator name.')
param adminUsername string = 'azrdsfixadmin'

@description('Local administrator password (no default: pass it at deployment).')
@secure()
param adminPassword string

@description('Install the RDSH role on every VM (a managed Run Command) and restart them so it takes effect.')
param installRdsh bool = true

@description('Deploy Azure Bastion (Basic SKU, with its own public IP) to reach the VMs\' desktops. Off by default: it costs money by the hour.')
param deployBastion bool = false

@description('Address space of the lab network.')
param addressPrefix string = '10.40.0.0/16'

@description('Tags for every resource; the VMs also get role=rdsh.')
param tags object = {
  purpose: 'azrdsfix-lab'
}

var vmSubnetPrefix = cidrSubnet(addressPrefix, 24, 1)
var bastionSubnetPrefix = cidrSubnet(addressPrefix, 26, 0)
var vmTags = union(tags, {
  role: 'rdsh'
})

// Windows PowerShell 5.1, run as SYSTEM. The restart is scheduled, not immediate, so that the Run Command can report
// its result before the VM goes down.
var installRdshScript = '''
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$result = Install-WindowsFeature -Name RDS-RD-Server -IncludeManagementTools
Write-Output ("RDS-RD-Server: Success={0} RestartNeeded={1}" -f $result.Success, $result.RestartNeeded)
if ("$($result.RestartNeeded)" -ne 'No') {
  & shutdown.exe /r /t 60 /d p:2:4 /c 'azrdsfix lab: restart after installing the RDSH role'
}
'''

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // The default rules already drop inbound internet traffic; this states it for RDP so that nobody "fixes" the
        // lab by opening 3389 to the world.
        name: 'DenyRdpFromInternet'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '3389'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: concat(
      [
        {
          name: 'vms'
          properties: {
            addressPrefix: vmSubnetPrefix
            networkSecurityGroup: {
              id: nsg.id
            }
          }
        }
      ],
      deployBastion
        ? [
            {
              name: 'AzureBastionSubnet'
              properties: {
                addressPrefix: bastionSubnetPrefix
              }
            }
          ]
        : []
    )
  }
}

resource nics 'Microsoft.Network/networkInterfaces@2024-05-01' = [
  for i in range(1, vmCount): {
    name: '${namePrefix}-${padLeft(i, 2, '0')}-nic'
    location: location
    tags: tags
    properties: {
      ipConfigurations: [
        {
          name: 'ipconfig1'
          properties: {
            privateIPAllocationMethod: 'Dynamic'
            subnet: {
              id: resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'vms')
            }
          }
        }
      ]
    }
  }
]

resource vms 'Microsoft.Compute/virtualMachines@2024-07-01' = [
  for i in range(1, vmCount): {
    name: '${namePrefix}-${padLeft(i, 2, '0')}'
    location: location
    tags: vmTags
    properties: {
      hardwareProfile: {
        vmSize: vmSize
      }
      osProfile: {
        computerName: '${namePrefix}-${padLeft(i, 2, '0')}'
        adminUsername: adminUsername
        adminPassword: adminPassword
        windowsConfiguration: {
          provisionVMAgent: true
          enableAutomaticUpdates: true
        }
      }
      storageProfile: {
        imageReference: {
          publisher: 'MicrosoftWindowsServer'
          offer: 'WindowsServer'
          sku: imageSku
          version: 'latest'
        }
        osDisk: {
          name: '${namePrefix}-${padLeft(i, 2, '0')}-osdisk'
          createOption: 'FromImage'
          deleteOption: 'Delete'
          managedDisk: {
            storageAccountType: 'StandardSSD_LRS'
          }
        }
      }
      networkProfile: {
        networkInterfaces: [
          {
            id: nics[i - 1].id
            properties: {
              deleteOption: 'Delete'
            }
          }
        ]
      }
      securityProfile: {
        securityType: 'TrustedLaunch'
        uefiSettings: {
          secureBootEnabled: true
          vTpmEnabled: true
        }
      }
      diagnosticsProfile: {
        // Managed boot diagnostics (no storage account): what the serial console needs.
        bootDiagnostics: {
          enabled: true
        }
      }
    }
  }
]

resource installRdshCommands 'Microsoft.Compute/virtualMachines/runCommands@2024-07-01' = [
  for i in range(1, vmCount): if (installRdsh) {
    parent: vms[i - 1]
    name: 'install-rdsh'
    location: location
    tags: tags
    properties: {
      source: {
        script: installRdshScript
      }
      asyncExecution: false
      timeoutInSeconds: 1800
      treatFailureAsDeploymentFailure: true
    }
  }
]

resource bastionIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = if (deployBastion) {
  name: '${namePrefix}-bastion-ip'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource bastion 'Microsoft.Network/bastionHosts@2024-05-01' = if (deployBastion) {
  name: '${namePrefix}-bastion'
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig1'
        properties: {
          subnet: {
            id: resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'AzureBastionSubnet')
          }
          publicIPAddress: {
            id: bastionIp.id
          }
        }
      }
    ]
  }
}

@description('Names of the session host VMs.')
output vmNames array = [for i in range(0, vmCount): vms[i].name]

@description('Resource ids of the session host VMs (for azrdsfix --vm).')
output vmIds array = [for i in range(0, vmCount): vms[i].id]

@description('A scan of this lab.')
output scanCommand string = 'dotnet run --project src/AzureRdsFix.Cli -- scan --subscription ${subscription().subscriptionId} --resource-group ${resourceGroup().name} --tag role=rdsh --auth cli'
