# The guest surface of a Windows stand-in (DESIGN.md "In-guest scripts", docs/guest-contract.md), as plain PowerShell
# functions over one guest state in the fixture format (src/AzureRdsFix.Guest/Fixtures/*.json, the "guest" object).
# Test code: never sent to a guest. Dot-source it, call Initialize-GuestStandIn, run any script, then
# Export-GuestStandInGuest gives the mutated guest back in the fixture format.
#
# It knows nothing of the azrdsfix scripts: it answers each command of the guest surface the way Windows Server answers
# it, from the state. The commands are defined as global functions, which PowerShell resolves before cmdlets of the same
# name, and run in the caller's scope (so the caller's $ErrorActionPreference and -ErrorAction apply, as for cmdlets):
#   registry  Test-Path, Get-ItemProperty, Set-ItemProperty, New-ItemProperty, Remove-ItemProperty, New-Item (HKLM:\ paths;
#             other paths go to the real cmdlets, other hives are refused)
#   CIM       Get-CimInstance, Invoke-CimMethod (Win32_ComputerSystem, Win32_OperatingSystem,
#             root\cimv2\TerminalServices Win32_TerminalServiceSetting)
#   features  Get-WindowsFeature, Uninstall-WindowsFeature (absent, as on a client OS, when "features" is null)
#   network   Resolve-DnsName, Test-NetConnection
#   events    Get-WinEvent
#   services  Get-Service, Restart-Service
# and the .NET calls the scripts make through small wrappers of their own (GuestHelpers.Include.ps1), answered here by
# global aliases of the wrappers' names (an alias is resolved before the script's function of the same name):
#   Resolve-HostAddress ([System.Net.Dns]), Connect-TcpPort (TcpClient), Test-Is64BitProcess, Open-RegistryBaseKey64
#   (RegistryKey.OpenBaseKey(LocalMachine, Registry64): a RegistryKey-like object over the same registry map).
#
# Modelling choices (where the fixture format is silent):
# - The registry map holds the keys that matter; the ancestors of a key in the map exist too (as on Windows), without
#   values. New-Item creates a key whatever its parents; New-Item -Force on an existing key empties it (as on Windows).
# - Get-ItemProperty of a key without values outputs nothing (as on Windows); values read back as Windows types
#   (DWord Int32, QWord Int64, String, ExpandString, MultiString String[], Binary Byte[]).
# - Win32_TerminalServiceSetting: GetGracePeriodDays answers "getGracePeriodDays" ({ReturnValue, DaysLeft}) and
#   GetTStoLSConnectivityStatus(ServerName) answers "getTStoLSConnectivityStatus"[ServerName] (or its "*" entry) as
#   stored: the real out-parameter shapes, ReturnValue included. They are what TermService found when it last started: a licensing change made now
#   shows there only after a restart, which is not this file's business (the owner of the state applies restart effects,
#   e.g. tests/AzureRdsFix.Testing/PwshGuest.cs). ChangeMode and SetSpecifiedLicenseServerList write the registry values
#   LicensingMode (DWord) and SpecifiedLicenseServers (MultiString), as Windows does.
# - Uninstall-WindowsFeature sets the feature to Available (Removed with -Remove) and the ServerComponentCache
#   InstallState of that feature, when present, to 0; TerminalServerMode changes only at the restart.
# - DNS: network.dns maps a name to its addresses; names in network.dnsTimeout do not answer in time; IP literals
#   resolve to themselves. TCP: network.tcp135 maps an address to open or timeout for port 135; any other address or
#   port refuses. Names compare case-insensitively.
# - Events: "events.rcmAdmin" counts per id are in Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin,
#   "events.system" counts in the System log from provider Microsoft-Windows-TerminalServices-Licensing, spread over
#   the last 29 days, newest first; a channel mapped to null does not exist (NoMatchingLogsFound); other logs exist and
#   are empty.
# - is64BitProcess false: Test-Is64BitProcess answers false, so the scripts use Open-RegistryBaseKey64; WOW64
#   redirection of the provider cmdlets is not modelled here (the Pester stand-in, GuestFixture.TestHelpers.ps1, does).
# - Win32_TSLicenseKeyPack (root\cimv2) lists "licenseKeyPacks"; null or absent: the class does not exist.
# - Services exist and run: TermService, UmRdpService, SessionEnv, WinRM, and TermServLicensing when RDS-Licensing is
#   Installed. Restart-Service changes nothing in the state.

$global:GuestStandInRcmLog = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin'
$global:GuestStandInRcmProvider = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager'
$global:GuestStandInModeKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core'
$global:GuestStandInServersKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'
$global:GuestStandInPolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$global:GuestStandInComponentCache = 'HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache'
$global:GuestStandInChannels = @(
    [pscustomobject]@{ Key = 'rcmAdmin'; Log = $global:GuestStandInRcmLog; Provider = $global:GuestStandInRcmProvider }
    [pscustomobject]@{ Key = 'system'; Log = 'System'; Provider = 'Microsoft-Windows-TerminalServices-Licensing' }
)

function global:GuestStandIn_NewMap {
    return , ([System.Collections.Specialized.OrderedDictionary]::new([System.StringComparer]::OrdinalIgnoreCase))
}

function global:GuestStandIn_StoreValue {
    # A value as the state keeps it: DWord/QWord as unsigned Int64, MultiString as String[], Binary as Int64[], else String.
    param([string] $Type, $Value)
    $kind = GuestStandIn_ValueKind -Type $Type
    switch ($kind) {
        'DWord' {
            if ($Value -is [System.Array]) { throw [System.ArgumentException]::new('The value of a DWord must be one number.') }
            $number = [long][System.Management.Automation.LanguagePrimitives]::ConvertTo($Value, [long], [System.Globalization.CultureInfo]::InvariantCulture)
            if ($number -lt [int]::MinValue -or $number -gt [uint32]::MaxValue) { throw [System.ArgumentException]::new('The value is out of range for a DWord.') }
            if ($number -lt 0) { $number += 4294967296 }
            return [long]$number
        }
        'QWord' {
            return [long][System.Management.Automation.LanguagePrimitives]::ConvertTo($Value, [long], [System.Globalization.CultureInfo]::InvariantCulture)
        }
        'MultiString' {
            $list = [System.Collections.Generic.List[string]]::new()
            if ($null -ne $Value) { foreach ($item in @($Value)) { $list.Add([string]$item) } }
            return , $list.ToArray()
        }
        'Binary' {
            $bytes = [System.Collections.Generic.List[long]]::new()
            if ($null -ne $Value) { foreach ($item in @($Value)) { $bytes.Add([long][byte]$item) } }
            return , $bytes.ToArray()
        }
        default {
            if ($null -eq $Value) { return '' }
            return [string]$Value
        }
    }
}

function global:GuestStandIn_ValueKind {
    # RegistryValueKind names, case-insensitively ('dword', a RegistryValueKind enum value such as DWord, 'REG_DWORD').
    param([string] $Type)
    $name = ([string]$Type) -replace '^(?i)REG_', '' -replace '_', ''
    foreach ($kind in 'String', 'ExpandString', 'Binary', 'DWord', 'MultiString', 'QWord') {
        if ($name -eq $kind -or ($kind -eq 'MultiString' -and $name -eq 'MultiSz') -or ($kind -eq 'String' -and $name -eq 'Sz') -or ($kind -eq 'ExpandString' -and $name -eq 'ExpandSz')) { return $kind }
    }
    throw [System.ArgumentException]::new("The registry value type '$Type' is not one of String, ExpandString, Binary, DWord, MultiString, QWord.")
}

function global:GuestStandIn_InferKind {
    # RegistryKey.SetValue without a kind: Int32 -> DWord, String[] -> MultiString, Byte[] -> Binary, anything else -> String.
    param($Value)
    if ($Value -is [int] -or $Value -is [int16] -or $Value -is [byte]) { return 'DWord' }
    if ($Value -is [byte[]]) { return 'Binary' }
    if ($Value -is [System.Array]) { return 'MultiString' }
    return 'String'
}

function global:GuestStandIn_ReadValue {
    # A stored value as Windows PowerShell reads it back from the registry.
    param($Entry)
    $value = $Entry.value
    switch ([string]$Entry.type) {
        'DWord' { return [System.BitConverter]::ToInt32([System.BitConverter]::GetBytes([uint32][long]$value), 0) }
        'QWord' { return [long]$value }
        'MultiString' {
            $list = [System.Collections.Generic.List[string]]::new()
            if ($null -ne $value) { foreach ($item in @($value)) { $list.Add([string]$item) } }
            return , $list.ToArray()
        }
        'Binary' {
            $list = [System.Collections.Generic.List[byte]]::new()
            if ($null -ne $value) { foreach ($item in @($value)) { $list.Add([byte]$item) } }
            return , $list.ToArray()
        }
        default { return [string]$value }
    }
}

function global:GuestStandIn_RegistryKey {
    # HKLM:\A\B, HKLM:/A/B, Registry::HKEY_LOCAL_MACHINE\A\B, Microsoft.PowerShell.Core\Registry::HKLM\A\B -> 'HKLM:\A\B';
    # $null when the path is not a registry path. Other hives are not part of the guest surface.
    param([string] $Path)
    $text = ([string]$Path) -replace '/', '\'
    $rest = $null
    if ($text -match '\A(?i)(?:Microsoft\.PowerShell\.Core\\)?Registry::(HKEY_LOCAL_MACHINE|HKLM)(?:\\(.*))?\z') {
        $rest = [string]$Matches[2]
    }
    elseif ($text -match '\A(?i)HKLM:(?:\\?(.*))?\z') {
        $rest = [string]$Matches[1]
    }
    elseif ($text -match '\A(?i)(?:(?:Microsoft\.PowerShell\.Core\\)?Registry::|HKCU:|HKCR:|HKU:|HKCC:|HKEY_)') {
        throw [System.NotSupportedException]::new("GuestStandIn models only HKLM:\ registry paths, not '$Path'.")
    }
    else {
        return $null
    }
    $parts = @($rest.Split('\') | Where-Object { $_.Length -gt 0 })
    if ($parts.Count -eq 0) { return 'HKLM:\' }
    return 'HKLM:\' + ($parts -join '\')
}

function global:GuestStandIn_NativePath {
    # 'HKLM:\A' -> 'HKEY_LOCAL_MACHINE\A' (how registry error messages and RegistryKey names spell it).
    param([string] $Key)
    return 'HKEY_LOCAL_MACHINE\' + $Key.Substring('HKLM:\'.Length)
}

function global:GuestStandIn_KeyExists {
    param([string] $Key)
    if ($Key -eq 'HKLM:\') { return $true }
    $registry = $global:GuestStandIn.Registry
    if ($registry.Contains($Key)) { return $true }
    $prefix = $Key + '\'
    foreach ($existing in $registry.Keys) {
        if (([string]$existing).StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)) { return $true }
    }
    return $false
}

function global:GuestStandIn_KeyValues {
    # The value map of a key, created in the map when the key exists only as an ancestor.
    param([string] $Key)
    $registry = $global:GuestStandIn.Registry
    if (-not $registry.Contains($Key)) { $registry[$Key] = GuestStandIn_NewMap }
    return , $registry[$Key]
}

function global:GuestStandIn_SetValue {
    param([string] $Key, [string] $Name, [string] $Type, $Value)
    $kind = GuestStandIn_ValueKind -Type $Type
    $stored = GuestStandIn_StoreValue -Type $kind -Value $Value
    $values = GuestStandIn_KeyValues -Key $Key
    $values[$Name] = [ordered]@{ type = $kind; value = $stored }
}

function global:GuestStandIn_ItemObject {
    # The PS* properties the registry provider adds to what it outputs.
    param([string] $Key, [System.Collections.IDictionary] $Properties)
    $native = GuestStandIn_NativePath -Key $Key
    $cut = $native.LastIndexOf('\')
    $Properties['PSPath'] = "Microsoft.PowerShell.Core\Registry::$native"
    $Properties['PSParentPath'] = "Microsoft.PowerShell.Core\Registry::$($native.Substring(0, $cut))"
    $Properties['PSChildName'] = $native.Substring($cut + 1)
    $Properties['PSDrive'] = 'HKLM'
    $Properties['PSProvider'] = 'Microsoft.PowerShell.Core\Registry'
    return [pscustomobject]$Properties
}

function global:GuestStandIn_WriteError {
    param($Cmdlet, [System.Exception] $Exception, [string] $ErrorId, [System.Management.Automation.ErrorCategory] $Category, $Target)
    $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($Exception, $ErrorId, $Category, $Target))
}

function global:GuestStandIn_PathNotFound {
    param($Cmdlet, [string] $Path, [string] $Command)
    $exception = [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$Path' because it does not exist.")
    GuestStandIn_WriteError -Cmdlet $Cmdlet -Exception $exception -ErrorId "PathNotFound,Microsoft.PowerShell.Commands.$Command" -Category ObjectNotFound -Target $Path
}

function global:GuestStandIn_Paths {
    param($Bound)
    if ($Bound.ContainsKey('LiteralPath')) { return , [string[]]@($Bound['LiteralPath']) }
    if ($Bound.ContainsKey('Path')) { return , [string[]]@($Bound['Path']) }
    return , [string[]]@('.')
}

function global:GuestStandIn_RealCommand {
    # The cmdlet this stand-in shadows, for paths outside the registry.
    param([string] $Name)
    return Get-Command -Name "Microsoft.PowerShell.Management\$Name" -CommandType Cmdlet
}

# ---------------------------------------------------------------------------------------------------------- registry

function global:Test-Path {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [ValidateSet('Any', 'Container', 'Leaf')] [string] $PathType = 'Any',
        [switch] $IsValid,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude
    )
    process {
        foreach ($item in (GuestStandIn_Paths -Bound $PSBoundParameters)) {
            $key = GuestStandIn_RegistryKey -Path $item
            if ($null -eq $key) {
                $bound = @{}
                foreach ($k in $PSBoundParameters.Keys) { if ($k -ne 'Path' -and $k -ne 'LiteralPath') { $bound[$k] = $PSBoundParameters[$k] } }
                & (GuestStandIn_RealCommand -Name 'Test-Path') -LiteralPath $item @bound
                continue
            }
            if ($IsValid) { $true; continue }
            $PathType -ne 'Leaf' -and (GuestStandIn_KeyExists -Key $key)
        }
    }
}

function global:Get-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [Parameter(Position = 1)] [Alias('PSProperty')] [string[]] $Name,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude
    )
    process {
        foreach ($item in (GuestStandIn_Paths -Bound $PSBoundParameters)) {
            $key = GuestStandIn_RegistryKey -Path $item
            if ($null -eq $key) {
                & (GuestStandIn_RealCommand -Name 'Get-ItemProperty') @PSBoundParameters
                continue
            }
            if (-not (GuestStandIn_KeyExists -Key $key)) {
                GuestStandIn_PathNotFound -Cmdlet $PSCmdlet -Path $item -Command 'GetItemPropertyCommand'
                continue
            }
            $values = $null
            if ($global:GuestStandIn.Registry.Contains($key)) { $values = $global:GuestStandIn.Registry[$key] }
            $properties = [ordered]@{}
            if ($PSBoundParameters.ContainsKey('Name')) {
                foreach ($valueName in $Name) {
                    $matched = $false
                    if ($null -ne $values) {
                        foreach ($entry in $values.GetEnumerator()) {
                            if ([string]$entry.Key -like $valueName) { $properties[[string]$entry.Key] = GuestStandIn_ReadValue -Entry $entry.Value; $matched = $true }
                        }
                    }
                    if (-not $matched -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($valueName)) {
                        $exception = [System.Management.Automation.PSArgumentException]::new("Property $valueName does not exist at path $(GuestStandIn_NativePath -Key $key).")
                        GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand' -Category InvalidArgument -Target $valueName
                    }
                }
            }
            elseif ($null -ne $values) {
                foreach ($entry in $values.GetEnumerator()) { $properties[[string]$entry.Key] = GuestStandIn_ReadValue -Entry $entry.Value }
            }
            if ($properties.Count -gt 0) { GuestStandIn_ItemObject -Key $key -Properties $properties }
        }
    }
}

function global:New-Item {
    [CmdletBinding(DefaultParameterSetName = 'PathSet')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)] [string[]] $Path,
        [Parameter(ValueFromPipelineByPropertyName = $true)] [AllowNull()] [AllowEmptyString()] [string] $Name,
        [Alias('Type')] [string] $ItemType,
        [Parameter(ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)] [Alias('Target')] [object] $Value,
        [switch] $Force
    )
    process {
        $targets = @($Path)
        if ($targets.Count -eq 0) { $targets = @('.') }
        foreach ($item in $targets) {
            $key = GuestStandIn_RegistryKey -Path $item
            if ($null -eq $key) {
                & (GuestStandIn_RealCommand -Name 'New-Item') @PSBoundParameters
                continue
            }
            if (-not [string]::IsNullOrEmpty($Name)) { $key = GuestStandIn_RegistryKey -Path ($key.TrimEnd('\') + '\' + $Name) }
            $registry = $global:GuestStandIn.Registry
            if (GuestStandIn_KeyExists -Key $key) {
                if (-not $Force) {
                    $exception = [System.IO.IOException]::new('A key at this path already exists.')
                    GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'System.IO.IOException,Microsoft.PowerShell.Commands.NewItemCommand' -Category ResourceExists -Target $key
                    continue
                }
                # As on Windows: -Force on an existing key recreates it, without its values and subkeys.
                $prefix = $key + '\'
                foreach ($existing in @($registry.Keys)) {
                    if (([string]$existing).StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)) { $registry.Remove($existing) }
                }
            }
            $registry[$key] = GuestStandIn_NewMap
            if ($null -ne $Value) { $registry[$key]['(default)'] = [ordered]@{ type = 'String'; value = [string]$Value } }
            $native = GuestStandIn_NativePath -Key $key
            [pscustomobject]@{
                PSTypeName   = 'Microsoft.Win32.RegistryKey'
                Name         = $native
                SubKeyCount  = 0
                ValueCount   = $registry[$key].Count
                PSPath       = "Microsoft.PowerShell.Core\Registry::$native"
                PSChildName  = $native.Substring($native.LastIndexOf('\') + 1)
                PSIsContainer = $true
            }
        }
    }
}

function global:New-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0, ValueFromPipelineByPropertyName = $true)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)] [Alias('PSProperty')] [string] $Name,
        [Alias('Type')] [object] $PropertyType,
        [Parameter(ValueFromPipelineByPropertyName = $true)] [AllowNull()] [object] $Value,
        [switch] $Force
    )
    process {
        foreach ($item in (GuestStandIn_Paths -Bound $PSBoundParameters)) {
            $key = GuestStandIn_RegistryKey -Path $item
            if ($null -eq $key) {
                & (GuestStandIn_RealCommand -Name 'New-ItemProperty') @PSBoundParameters
                continue
            }
            if (-not (GuestStandIn_KeyExists -Key $key)) {
                GuestStandIn_PathNotFound -Cmdlet $PSCmdlet -Path $item -Command 'NewItemPropertyCommand'
                continue
            }
            $values = GuestStandIn_KeyValues -Key $key
            if ($values.Contains($Name) -and -not $Force) {
                $exception = [System.IO.IOException]::new('The property already exists.')
                GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'System.IO.IOException,Microsoft.PowerShell.Commands.NewItemPropertyCommand' -Category ResourceExists -Target $Name
                continue
            }
            $kind = 'String'
            if ($null -ne $PropertyType -and [string]$PropertyType -ne '') { $kind = GuestStandIn_ValueKind -Type ([string]$PropertyType) }
            GuestStandIn_SetValue -Key $key -Name $Name -Type $kind -Value $Value
            $properties = [ordered]@{}
            $properties[$Name] = GuestStandIn_ReadValue -Entry $values[$Name]
            GuestStandIn_ItemObject -Key $key -Properties $properties
        }
    }
}

function global:Set-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'propertyValuePathSet')]
    param(
        [Parameter(ParameterSetName = 'propertyValuePathSet', Position = 0, ValueFromPipelineByPropertyName = $true)] [string[]] $Path,
        [Parameter(ParameterSetName = 'propertyValueLiteralPathSet', ValueFromPipelineByPropertyName = $true)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)] [Alias('PSProperty')] [string] $Name,
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = $true)] [AllowNull()] [object] $Value,
        [object] $Type,
        [switch] $PassThru,
        [switch] $Force
    )
    process {
        foreach ($item in (GuestStandIn_Paths -Bound $PSBoundParameters)) {
            $key = GuestStandIn_RegistryKey -Path $item
            if ($null -eq $key) {
                & (GuestStandIn_RealCommand -Name 'Set-ItemProperty') @PSBoundParameters
                continue
            }
            if (-not (GuestStandIn_KeyExists -Key $key)) {
                GuestStandIn_PathNotFound -Cmdlet $PSCmdlet -Path $item -Command 'SetItemPropertyCommand'
                continue
            }
            $values = GuestStandIn_KeyValues -Key $key
            # Without -Type an existing value keeps its kind; a new one gets the kind of its .NET type.
            if ($null -ne $Type -and [string]$Type -ne '') { $kind = GuestStandIn_ValueKind -Type ([string]$Type) }
            elseif ($values.Contains($Name)) { $kind = [string]$values[$Name].type }
            else { $kind = GuestStandIn_InferKind -Value $Value }
            GuestStandIn_SetValue -Key $key -Name $Name -Type $kind -Value $Value
            if ($PassThru) {
                $properties = [ordered]@{}
                $properties[$Name] = GuestStandIn_ReadValue -Entry $values[$Name]
                GuestStandIn_ItemObject -Key $key -Properties $properties
            }
        }
    }
}

function global:Remove-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0, ValueFromPipelineByPropertyName = $true)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)] [Alias('PSProperty')] [string[]] $Name,
        [switch] $Force
    )
    process {
        foreach ($item in (GuestStandIn_Paths -Bound $PSBoundParameters)) {
            $key = GuestStandIn_RegistryKey -Path $item
            if ($null -eq $key) {
                & (GuestStandIn_RealCommand -Name 'Remove-ItemProperty') @PSBoundParameters
                continue
            }
            if (-not (GuestStandIn_KeyExists -Key $key)) {
                GuestStandIn_PathNotFound -Cmdlet $PSCmdlet -Path $item -Command 'RemoveItemPropertyCommand'
                continue
            }
            $values = $null
            if ($global:GuestStandIn.Registry.Contains($key)) { $values = $global:GuestStandIn.Registry[$key] }
            foreach ($valueName in $Name) {
                if ($null -eq $values -or -not $values.Contains($valueName)) {
                    $exception = [System.Management.Automation.PSArgumentException]::new("Property $valueName does not exist at path $(GuestStandIn_NativePath -Key $key).")
                    GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.RemoveItemPropertyCommand' -Category InvalidArgument -Target $valueName
                    continue
                }
                $values.Remove($valueName)
            }
        }
    }
}

# --------------------------------------------------------------------------------------------------------------- CIM

function global:GuestStandIn_CimObject {
    param([string] $Namespace, [string] $ClassName, [System.Collections.IDictionary] $Properties)
    $system = [pscustomobject]@{ Namespace = $Namespace; ServerName = [string]$global:GuestStandIn.Guest.computerName; ClassName = $ClassName; Path = $null }
    $Properties['CimClass'] = [pscustomobject]@{ CimClassName = $ClassName; CimSystemProperties = $system }
    $Properties['CimInstanceProperties'] = @($Properties.Keys | Where-Object { $_ -ne 'CimClass' })
    $Properties['CimSystemProperties'] = $system
    $Properties['PSComputerName'] = $null
    $object = [pscustomobject]$Properties
    $object.PSObject.TypeNames.Insert(0, "Microsoft.Management.Infrastructure.CimInstance#$Namespace/$ClassName")
    return $object
}

function global:GuestStandIn_CimError {
    param($Cmdlet, [string] $Message, [string] $Command)
    # CimException sets no HResult of its own: the default 0x80131500, as a plain Exception has.
    $exception = [System.Exception]::new($Message)
    GuestStandIn_WriteError -Cmdlet $Cmdlet -Exception $exception -ErrorId "HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.$Command" -Category ObjectNotFound -Target $null
}

function global:GuestStandIn_RegistryNumber {
    param([string] $Key, [string] $Name)
    $registry = $global:GuestStandIn.Registry
    if ($registry.Contains($Key) -and $registry[$Key].Contains($Name) -and $registry[$Key][$Name].type -eq 'DWord') { return [long]$registry[$Key][$Name].value }
    return $null
}

function global:GuestStandIn_Instances {
    # The instances of one class in one namespace, or $null when the class does not exist there.
    param([string] $Namespace, [string] $ClassName)
    $g = $global:GuestStandIn.Guest
    $ns = (([string]$Namespace) -replace '\\', '/').Trim('/').ToLowerInvariant()
    if ($ns -eq 'root/cimv2' -and $ClassName -eq 'Win32_ComputerSystem') {
        $props = [ordered]@{
            Name = [string]$g.computerName; DNSHostName = [string]$g.computerName; Domain = [string]$g.domain.name
            PartOfDomain = [bool]$g.domain.joined; Manufacturer = 'Microsoft Corporation'; Model = 'Virtual Machine'
            DomainRole = [uint16]$(if ([bool]$g.domain.joined) { 3 } else { 2 })
        }
        if (-not [bool]$g.domain.joined) { $props['Workgroup'] = [string]$g.domain.name } else { $props['Workgroup'] = $null }
        return , @(GuestStandIn_CimObject -Namespace 'root/cimv2' -ClassName 'Win32_ComputerSystem' -Properties $props)
    }
    if ($ns -eq 'root/cimv2' -and $ClassName -eq 'Win32_OperatingSystem') {
        $props = [ordered]@{
            Caption = [string]$g.os.caption; Version = [string]$g.os.version; BuildNumber = [string]$g.os.build
            CSName = [string]$g.computerName; OSArchitecture = '64-bit'; ProductType = [uint32]3
        }
        return , @(GuestStandIn_CimObject -Namespace 'root/cimv2' -ClassName 'Win32_OperatingSystem' -Properties $props)
    }
    if ($ns -eq 'root/cimv2' -and $ClassName -eq 'Win32_TSLicenseKeyPack') {
        if ($null -eq $g.PSObject.Properties['licenseKeyPacks'] -or $null -eq $g.licenseKeyPacks) { return $null }
        $packs = foreach ($pack in @($g.licenseKeyPacks)) {
            $props = [ordered]@{}
            foreach ($property in $pack.PSObject.Properties) {
                if ($null -eq $property.Value) { $props[$property.Name] = $null } else { $props[$property.Name] = [uint32]$property.Value }
            }
            GuestStandIn_CimObject -Namespace 'root/cimv2' -ClassName 'Win32_TSLicenseKeyPack' -Properties $props
        }
        return , @($packs)
    }
    if ($ns -eq 'root/cimv2/terminalservices' -and $ClassName -eq 'Win32_TerminalServiceSetting') {
        $tss = $g.terminalServiceSetting
        if ($null -eq $tss) { return $null }
        # LicensingType is the mode in force: the policy value when Group Policy sets one, else the local one, else 5.
        $policy = GuestStandIn_RegistryNumber -Key $global:GuestStandInPolicyKey -Name 'LicensingMode'
        $local = GuestStandIn_RegistryNumber -Key $global:GuestStandInModeKey -Name 'LicensingMode'
        $mode = 5
        if ($null -ne $policy) { $mode = $policy } elseif ($null -ne $local) { $mode = $local }
        $props = [ordered]@{
            ServerName = [string]$g.computerName
            TerminalServerMode = $(if ($null -eq $tss.terminalServerMode) { $null } else { [uint32]$tss.terminalServerMode })
            LicensingType = [uint32]$mode
            PolicySourceLicensingType = [uint32]$(if ($null -ne $policy) { 1 } else { 0 })
            PolicySourceConfiguredLicenseServers = [uint32]$(if ((GuestStandIn_PolicyServers).Count -gt 0) { 1 } else { 0 })
        }
        return , @(GuestStandIn_CimObject -Namespace 'root/cimv2/TerminalServices' -ClassName 'Win32_TerminalServiceSetting' -Properties $props)
    }
    return $null
}

function global:GuestStandIn_PolicyServers {
    $registry = $global:GuestStandIn.Registry
    $list = [System.Collections.Generic.List[string]]::new()
    if ($registry.Contains($global:GuestStandInPolicyKey) -and $registry[$global:GuestStandInPolicyKey].Contains('LicenseServers')) {
        foreach ($part in ([string]$registry[$global:GuestStandInPolicyKey]['LicenseServers'].value).Split(',')) {
            if ($part.Trim().Length -gt 0) { $list.Add($part.Trim()) }
        }
    }
    return , $list.ToArray()
}

function global:GuestStandIn_MethodResult {
    # A fixture's method result shape ({"ReturnValue":0,"DaysLeft":5}) into the result map, as uint32 values.
    param([System.Collections.IDictionary] $Result, $Shape)
    foreach ($property in $Shape.PSObject.Properties) {
        if ($null -eq $property.Value) { $Result[$property.Name] = $null } else { $Result[$property.Name] = [uint32]$property.Value }
    }
}

function global:GuestStandIn_KnownNamespace {
    param([string] $Namespace)
    $ns = (([string]$Namespace) -replace '\\', '/').Trim('/').ToLowerInvariant()
    # The TerminalServices namespace is there even when its class is not ("Invalid class", as the contract says).
    return $ns -in 'root/cimv2', 'root/default', 'root/cimv2/terminalservices'
}

function global:Get-CimInstance {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet')]
    param(
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory = $true, Position = 0)] [string] $ClassName,
        [Parameter(ParameterSetName = 'QueryComputerSet', Mandatory = $true)] [string] $Query,
        [string] $Namespace = 'root\cimv2',
        [string] $Filter,
        [string[]] $Property,
        [string[]] $ComputerName,
        [uint32] $OperationTimeoutSec,
        [switch] $Shallow,
        [string] $QueryDialect
    )
    if ($PSCmdlet.ParameterSetName -eq 'QueryComputerSet') {
        if ($Query -notmatch '(?i)\bFROM\s+(\w+)') { GuestStandIn_CimError -Cmdlet $PSCmdlet -Message 'Invalid query ' -Command 'GetCimInstanceCommand'; return }
        $ClassName = $Matches[1]
    }
    if (-not (GuestStandIn_KnownNamespace -Namespace $Namespace)) { GuestStandIn_CimError -Cmdlet $PSCmdlet -Message 'Invalid namespace ' -Command 'GetCimInstanceCommand'; return }
    $instances = GuestStandIn_Instances -Namespace $Namespace -ClassName $ClassName
    if ($null -eq $instances) { GuestStandIn_CimError -Cmdlet $PSCmdlet -Message 'Invalid class ' -Command 'GetCimInstanceCommand'; return }
    # -Filter / WHERE: the classes served here are singletons on a guest, so every filter the guest could match matches.
    $instances
}

function global:Invoke-CimMethod {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet')]
    param(
        [Parameter(ParameterSetName = 'CimInstanceComputerSet', Mandatory = $true, ValueFromPipeline = $true)] [Alias('CimInstance')] [object] $InputObject,
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory = $true, Position = 0)] [string] $ClassName,
        [Parameter(ParameterSetName = 'ClassNameComputerSet')] [string] $Namespace = 'root\cimv2',
        [Parameter(Mandatory = $true)] [Alias('Name')] [string] $MethodName,
        [Parameter(Position = 1)] [System.Collections.IDictionary] $Arguments,
        [string[]] $ComputerName,
        [uint32] $OperationTimeoutSec
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'CimInstanceComputerSet') {
            $system = $null
            if ($null -ne $InputObject -and $null -ne $InputObject.PSObject.Properties['CimSystemProperties']) { $system = $InputObject.CimSystemProperties }
            if ($null -eq $system) { throw [System.ArgumentException]::new('InputObject is not a CIM instance of this guest.') }
            $ClassName = [string]$system.ClassName
            $Namespace = [string]$system.Namespace
        }
        if (-not (GuestStandIn_KnownNamespace -Namespace $Namespace)) { GuestStandIn_CimError -Cmdlet $PSCmdlet -Message 'Invalid namespace ' -Command 'InvokeCimMethodCommand'; return }
        if ($null -eq (GuestStandIn_Instances -Namespace $Namespace -ClassName $ClassName)) { GuestStandIn_CimError -Cmdlet $PSCmdlet -Message 'Invalid class ' -Command 'InvokeCimMethodCommand'; return }
        $methodArgs = @{}
        if ($null -ne $Arguments) { foreach ($k in $Arguments.Keys) { $methodArgs[[string]$k] = $Arguments[$k] } }
        $tss = $global:GuestStandIn.Guest.terminalServiceSetting
        $result = [ordered]@{}
        switch ("$ClassName.$MethodName") {
            'Win32_TerminalServiceSetting.GetGracePeriodDays' { GuestStandIn_MethodResult -Result $result -Shape $tss.getGracePeriodDays }
            'Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus' {
                # [in] string ServerName (Learn: GetTStoLSConnectivityStatus); WMI refuses the call without it.
                if (-not $methodArgs.ContainsKey('ServerName') -or [string]::IsNullOrEmpty([string]$methodArgs['ServerName'])) {
                    $exception = [Microsoft.PowerShell.Commands.WriteErrorException]::new('Invalid parameter ')
                    GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'HRESULT 0x80041008,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand' -Category InvalidArgument -Target $MethodName
                    return
                }
                $map = $tss.getTStoLSConnectivityStatus
                $shape = $map.'*'
                foreach ($entry in $map.PSObject.Properties) {
                    if ($entry.Name -ne '*' -and [string]::Equals($entry.Name, [string]$methodArgs['ServerName'], [System.StringComparison]::OrdinalIgnoreCase)) { $shape = $entry.Value }
                }
                GuestStandIn_MethodResult -Result $result -Shape $shape
            }
            'Win32_TerminalServiceSetting.ChangeMode' {
                $type = [uint32]$methodArgs['LicensingType']
                if ($type -notin 2, 4, 5) { $result['ReturnValue'] = [uint32]1; break }
                GuestStandIn_SetValue -Key $global:GuestStandInModeKey -Name 'LicensingMode' -Type 'DWord' -Value $type
                $result['ReturnValue'] = [uint32]0
            }
            'Win32_TerminalServiceSetting.SetSpecifiedLicenseServerList' {
                $servers = [string[]]@($methodArgs['SpecifiedLSList'] | Where-Object { $null -ne $_ })
                GuestStandIn_SetValue -Key $global:GuestStandInServersKey -Name 'SpecifiedLicenseServers' -Type 'MultiString' -Value $servers
                $result['ReturnValue'] = [uint32]0
            }
            'Win32_TerminalServiceSetting.GetSpecifiedLicenseServerList' {
                $registry = $global:GuestStandIn.Registry
                $servers = [string[]]@()
                if ($registry.Contains($global:GuestStandInServersKey) -and $registry[$global:GuestStandInServersKey].Contains('SpecifiedLicenseServers')) {
                    $servers = GuestStandIn_ReadValue -Entry $registry[$global:GuestStandInServersKey]['SpecifiedLicenseServers']
                }
                $result['SpecifiedLSList'] = $servers; $result['ReturnValue'] = [uint32]0
            }
            default {
                $exception = [Microsoft.PowerShell.Commands.WriteErrorException]::new('Method not found ')
                GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'HRESULT 0x80041055,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand' -Category MetadataError -Target $MethodName
                return
            }
        }
        $result['PSComputerName'] = $null
        $output = [pscustomobject]$result
        $output.PSObject.TypeNames.Insert(0, 'Microsoft.Management.Infrastructure.CimMethodResult')
        $output
    }
}

# ---------------------------------------------------------------------------------------------------------- features

function global:GuestStandIn_DefineFeatureCommands {
    if ($null -eq $global:GuestStandIn.Features) {
        # A client OS: the ServerManager module is not there.
        foreach ($name in 'Get-WindowsFeature', 'Uninstall-WindowsFeature') {
            if (Test-Path -LiteralPath "function:global:$name") { Remove-Item -LiteralPath "function:global:$name" }
            if ($null -ne (Get-Command -Name $name -ErrorAction SilentlyContinue)) {
                $body = "throw [System.Management.Automation.CommandNotFoundException]::new(""The term '$name' is not recognized as a name of a cmdlet, function, script file, or executable program."")"
                Set-Item -LiteralPath "function:global:$name" -Value ([scriptblock]::Create($body))
            }
        }
        return
    }

    function global:Get-WindowsFeature {
        [CmdletBinding()]
        param([Parameter(Position = 0, ValueFromPipeline = $true)] [string[]] $Name, [string] $Vhd, [string] $ComputerName, [string] $LogPath)
        process {
            $patterns = @($Name)
            if ($patterns.Count -eq 0) { $patterns = @('*') }
            foreach ($entry in $global:GuestStandIn.Features.GetEnumerator()) {
                $featureName = [string]$entry.Key
                if (@($patterns | Where-Object { $featureName -like $_ }).Count -eq 0) { continue }
                $feature = [pscustomobject]@{
                    Name = $featureName; DisplayName = $featureName; InstallState = [string]$entry.Value
                    Installed = ([string]$entry.Value -eq 'Installed'); FeatureType = 'Role Service'
                }
                $feature.PSObject.TypeNames.Insert(0, 'Microsoft.Windows.ServerManager.Commands.Feature')
                $feature
            }
        }
    }

    function global:Uninstall-WindowsFeature {
        [CmdletBinding()]
        param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)] [Alias('Feature')] [string[]] $Name,
            [switch] $IncludeManagementTools, [switch] $Restart, [switch] $Remove, [string] $Vhd, [string] $ComputerName, [string] $LogPath)
        process {
            $changed = [System.Collections.Generic.List[string]]::new()
            foreach ($featureName in $Name) {
                if (-not $global:GuestStandIn.Features.Contains($featureName)) {
                    $exception = [System.ArgumentException]::new("ArgumentNotValid: The role, role service, or feature name is not valid: '$featureName'. The name was not found.")
                    GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'NameDoesNotExist,Microsoft.Windows.ServerManager.Commands.RemoveWindowsFeatureCommand' -Category InvalidArgument -Target $featureName
                    return
                }
                if ([string]$global:GuestStandIn.Features[$featureName] -ne 'Installed') { continue }
                $global:GuestStandIn.Features[$featureName] = $(if ($Remove) { 'Removed' } else { 'Available' })
                $cache = "$($global:GuestStandInComponentCache)\$featureName"
                $registry = $global:GuestStandIn.Registry
                if ($registry.Contains($cache) -and $registry[$cache].Contains('InstallState')) {
                    GuestStandIn_SetValue -Key $cache -Name 'InstallState' -Type 'DWord' -Value 0
                }
                $changed.Add($featureName)
            }
            $restartNeeded = $(if ($changed.Count -gt 0) { 'Yes' } else { 'No' })
            $exitCode = $(if ($changed.Count -gt 0) { 'SuccessRestartRequired' } else { 'NoChangeNeeded' })
            [pscustomobject]@{ Success = $true; RestartNeeded = $restartNeeded; FeatureResult = $changed.ToArray(); ExitCode = $exitCode }
        }
    }
}

# ----------------------------------------------------------------------------------------------------------- network

function global:GuestStandIn_IsIpLiteral {
    param([string] $HostName)
    $address = $null
    if ($HostName -match '\A(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\z') {
        foreach ($i in 1..4) { if ([int]$Matches[$i] -gt 255 -or ($Matches[$i].Length -gt 1 -and $Matches[$i].StartsWith('0'))) { return $false } }
        return $true
    }
    return ($HostName -match ':') -and ($HostName -match '\A[0-9A-Fa-f:.]+\z') -and [System.Net.IPAddress]::TryParse($HostName, [ref]$address)
}

function global:GuestStandIn_InList {
    param([string[]] $List, [string] $Name)
    foreach ($entry in $List) { if ([string]::Equals([string]$entry, $Name, [System.StringComparison]::OrdinalIgnoreCase)) { return $true } }
    return $false
}

function global:GuestStandIn_Addresses {
    # The addresses a name resolves to (an IP literal to itself), or $null when it does not resolve.
    param([string] $HostName)
    if (GuestStandIn_IsIpLiteral -HostName $HostName) { return , [string[]]@([string][System.Net.IPAddress]::Parse($HostName)) }
    if (GuestStandIn_InList -List $global:GuestStandIn.DnsTimeout -Name $HostName) { return $null }
    if ($global:GuestStandIn.Dns.Contains($HostName)) { return , [string[]]@($global:GuestStandIn.Dns[$HostName]) }
    return $null
}

function global:GuestStandIn_Resolves {
    param([string] $HostName)
    return $null -ne (GuestStandIn_Addresses -HostName $HostName)
}

function global:GuestStandIn_Tcp135State {
    param([string] $Address)
    if ($global:GuestStandIn.Tcp135.Contains($Address)) { return [string]$global:GuestStandIn.Tcp135[$Address] }
    return 'closed'
}

function global:GuestStandIn_ResolveHostAddress {
    # Resolve-HostAddress: [System.Net.Dns]::GetHostAddressesAsync bounded by a timeout.
    param([string] $HostName, [int] $TimeoutMilliseconds)
    if (GuestStandIn_InList -List $global:GuestStandIn.DnsTimeout -Name $HostName) { return $null }
    $addresses = GuestStandIn_Addresses -HostName $HostName
    if ($null -eq $addresses) { throw [System.Net.Sockets.SocketException]::new(11001) }
    return , [System.Net.IPAddress[]]@($addresses | ForEach-Object { [System.Net.IPAddress]::Parse($_) })
}

function global:GuestStandIn_ConnectTcpPort {
    # Connect-TcpPort: one TcpClient connect bounded by a timeout: open, closed or timeout.
    param([System.Net.IPAddress] $Address, [int] $Port, [int] $TimeoutMilliseconds)
    if ($Port -ne 135) { return 'closed' }
    return GuestStandIn_Tcp135State -Address ([string]$Address)
}

function global:Resolve-DnsName {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)] [string] $Name,
        [Parameter(Position = 1)] [string] $Type = 'A_AAAA',
        [string[]] $Server,
        [switch] $QuickTimeout, [switch] $DnsOnly, [switch] $NoHostsFile, [switch] $CacheOnly, [switch] $TcpOnly, [switch] $NoRecursion, [switch] $NoIdn, [switch] $LlmnrNetbiosOnly, [switch] $LlmnrOnly, [switch] $LlmnrFallback, [switch] $DnssecOk, [switch] $DnssecCd
    )
    process {
        if (GuestStandIn_IsIpLiteral -HostName $Name) {
            [pscustomobject]@{ Name = $Name; Type = 'A'; TTL = 0; Section = 'Answer'; IPAddress = $Name }
            return
        }
        $addresses = GuestStandIn_Addresses -HostName $Name
        if ($null -eq $addresses) {
            $exception = [System.ComponentModel.Win32Exception]::new(9003, "$Name : DNS name does not exist")
            GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName' -Category ResourceUnavailable -Target $Name
            return
        }
        foreach ($address in $addresses) {
            $record = [pscustomobject]@{ Name = $Name; Type = 'A'; TTL = 3600; Section = 'Answer'; IPAddress = $address; IP4Address = $address }
            $record.PSObject.TypeNames.Insert(0, 'Microsoft.DnsClient.Commands.DnsRecord_A')
            $record
        }
    }
}

function global:Test-NetConnection {
    [CmdletBinding(DefaultParameterSetName = 'ICMP')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)] [Alias('RemoteAddress', 'cn')] [string] $ComputerName = 'internetbeacon.msedge.net',
        [Parameter(ParameterSetName = 'RemotePort', Mandatory = $true)] [Alias('RemotePort')] [ValidateRange(1, 65535)] [int] $Port,
        [Parameter(ParameterSetName = 'CommonTCPPort', Mandatory = $true, Position = 1)] [ValidateSet('HTTP', 'RDP', 'SMB', 'WINRM')] [string] $CommonTCPPort,
        [ValidateSet('Quiet', 'Detailed')] [string] $InformationLevel = 'Standard',
        [switch] $TraceRoute, [int] $Hops, [switch] $DiagnoseRouting, [string] $ConstrainSourceAddress, [uint32] $ConstrainInterface
    )
    process {
        $tcp = $PSCmdlet.ParameterSetName -ne 'ICMP'
        if ($PSCmdlet.ParameterSetName -eq 'CommonTCPPort') { $Port = @{ HTTP = 80; RDP = 3389; SMB = 445; WINRM = 5985 }[$CommonTCPPort] }
        $addresses = GuestStandIn_Addresses -HostName $ComputerName
        $resolves = $null -ne $addresses
        $answers = $resolves -and ((GuestStandIn_Tcp135State -Address $addresses[0]) -eq 'open')
        $succeeded = $answers -and (-not $tcp -or $Port -eq 135)
        if (-not $resolves) { Write-Warning "Name resolution of $ComputerName failed" }
        elseif ($tcp -and -not $succeeded) { Write-Warning "TCP connect to ($ComputerName : $Port) failed" }
        elseif (-not $tcp -and -not $succeeded) { Write-Warning "Ping to $ComputerName failed with status: TimedOut" }
        if ($InformationLevel -eq 'Quiet') { return [bool]$succeeded }
        $address = $null
        if ($resolves) { $address = $addresses[0] }
        $result = [ordered]@{ ComputerName = $ComputerName; RemoteAddress = $address; InterfaceAlias = 'Ethernet'; SourceAddress = '10.0.0.100'; PingSucceeded = [bool]$answers }
        if ($tcp) { $result['RemotePort'] = $Port; $result['TcpTestSucceeded'] = [bool]$succeeded }
        $output = [pscustomobject]$result
        $output.PSObject.TypeNames.Insert(0, 'TestNetConnectionResult')
        $output
    }
}

# ------------------------------------------------------------------------------------------------ 64-bit registry view

function global:GuestStandIn_Is64BitProcess {
    return [bool]$global:GuestStandIn.Is64BitProcess
}

function global:GuestStandIn_RegistryKeyObject {
    # A Microsoft.Win32.RegistryKey-like object over one key of the state (the 64-bit view: nothing redirected).
    param([string] $Key)
    $object = [pscustomobject]@{ Key = $Key; Name = (GuestStandIn_NativePath -Key $Key) }
    $object | Add-Member -MemberType ScriptMethod -Name GetValueNames -Value {
        if (-not $global:GuestStandIn.Registry.Contains($this.Key)) { return , [string[]]@() }
        return , [string[]]@($global:GuestStandIn.Registry[$this.Key].Keys)
    }
    $object | Add-Member -MemberType ScriptMethod -Name GetValue -Value {
        param($Name, $Default, $Options)
        if (-not $global:GuestStandIn.Registry.Contains($this.Key) -or -not $global:GuestStandIn.Registry[$this.Key].Contains([string]$Name)) { return $Default }
        return , (GuestStandIn_ReadValue -Entry $global:GuestStandIn.Registry[$this.Key][[string]$Name])
    }
    $object | Add-Member -MemberType ScriptMethod -Name SetValue -Value {
        param($Name, $Value, $Kind)
        if ($null -eq $Kind) { $Kind = GuestStandIn_InferKind -Value $Value }
        GuestStandIn_SetValue -Key $this.Key -Name ([string]$Name) -Type ([string]$Kind) -Value $Value
    }
    $object | Add-Member -MemberType ScriptMethod -Name DeleteValue -Value {
        param($Name)
        if (-not $global:GuestStandIn.Registry.Contains($this.Key) -or -not $global:GuestStandIn.Registry[$this.Key].Contains([string]$Name)) {
            throw [System.ArgumentException]::new('No value exists with that name.')
        }
        $global:GuestStandIn.Registry[$this.Key].Remove([string]$Name)
    }
    $object | Add-Member -MemberType ScriptMethod -Name Close -Value { }
    $object | Add-Member -MemberType ScriptMethod -Name Dispose -Value { }
    return $object
}

function global:GuestStandIn_OpenBaseKey64 {
    # Open-RegistryBaseKey64: HKLM in the 64-bit view, with OpenSubKey (null when the key does not exist) and CreateSubKey.
    $base = [pscustomobject]@{ Name = 'HKEY_LOCAL_MACHINE' }
    $base | Add-Member -MemberType ScriptMethod -Name OpenSubKey -Value {
        param($SubKey, $Writable)
        $key = GuestStandIn_RegistryKey -Path ('HKLM:\' + [string]$SubKey)
        if (-not (GuestStandIn_KeyExists -Key $key)) { return $null }
        return GuestStandIn_RegistryKeyObject -Key $key
    }
    $base | Add-Member -MemberType ScriptMethod -Name CreateSubKey -Value {
        param($SubKey)
        $key = GuestStandIn_RegistryKey -Path ('HKLM:\' + [string]$SubKey)
        $null = GuestStandIn_KeyValues -Key $key
        return GuestStandIn_RegistryKeyObject -Key $key
    }
    $base | Add-Member -MemberType ScriptMethod -Name Close -Value { }
    $base | Add-Member -MemberType ScriptMethod -Name Dispose -Value { }
    return $base
}

# ------------------------------------------------------------------------------------------------------------ events

function global:GuestStandIn_LikeAny {
    param([string] $Value, [string[]] $Patterns)
    foreach ($pattern in $Patterns) { if ($Value -like $pattern) { return $true } }
    return $false
}

function global:Get-WinEvent {
    [CmdletBinding(DefaultParameterSetName = 'GetLogSet')]
    param(
        [Parameter(ParameterSetName = 'GetLogSet', Position = 0)] [string[]] $LogName,
        [Parameter(ParameterSetName = 'HashQuerySet', Mandatory = $true, Position = 0)] [hashtable[]] $FilterHashtable,
        [Parameter(ParameterSetName = 'GetProviderSet', Mandatory = $true)] [string[]] $ProviderName,
        [long] $MaxEvents = -1,
        [switch] $Oldest, [switch] $Force, [string] $ComputerName
    )
    $filters = [System.Collections.Generic.List[hashtable]]::new()
    switch ($PSCmdlet.ParameterSetName) {
        'HashQuerySet' { foreach ($f in $FilterHashtable) { $filters.Add($f) } }
        'GetProviderSet' { foreach ($p in $ProviderName) { $filters.Add(@{ ProviderName = $p }) } }
        default { foreach ($l in @($LogName)) { $filters.Add(@{ LogName = $l }) } }
    }
    # A filter on a log that does not exist (a channel mapped to null) fails, as Get-WinEvent does.
    foreach ($f in $filters) {
        if (-not $f.ContainsKey('LogName')) { continue }
        foreach ($log in @($f['LogName'])) {
            foreach ($channel in $global:GuestStandInChannels) {
                if ([string]$log -eq $channel.Log -and $null -eq $global:GuestStandIn.Events[$channel.Key]) {
                    $exception = [System.Exception]::new("There is not an event log on the localhost computer that matches `"$log`".")
                    GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'NoMatchingLogsFound,Microsoft.PowerShell.Commands.GetWinEventCommand' -Category ObjectNotFound -Target $log
                    return
                }
            }
        }
    }
    $now = [datetime]::Now
    $all = [System.Collections.Generic.List[object]]::new()
    $total = 0
    foreach ($channel in $global:GuestStandInChannels) {
        $counts = $global:GuestStandIn.Events[$channel.Key]
        if ($null -ne $counts) { foreach ($entry in $counts.GetEnumerator()) { $total += [int]$entry.Value } }
    }
    $step = [timespan]::FromDays(29).Ticks / ($total + 1)
    $n = 0
    foreach ($channel in $global:GuestStandInChannels) {
        $counts = $global:GuestStandIn.Events[$channel.Key]
        if ($null -eq $counts) { continue }
        foreach ($entry in $counts.GetEnumerator()) {
            for ($i = 0; $i -lt [int]$entry.Value; $i++) {
                $n++
                $all.Add([pscustomobject]@{
                        Id = [int]$entry.Key; LogName = $channel.Log; ProviderName = $channel.Provider
                        TimeCreated = $now.AddTicks(-[long]($step * $n)); LevelDisplayName = 'Warning'; Level = [byte]3; MachineName = [string]$global:GuestStandIn.Guest.computerName
                        Message = "Licensing event $($entry.Key)."
                    })
            }
        }
    }
    # Each filter once, as plain lists (a Where-Object per event would make thousands of events slow).
    $specs = foreach ($f in $filters) {
        $filter = @{}
        foreach ($k in $f.Keys) { $filter[[string]$k] = $f[$k] }
        $spec = @{ Logs = $null; Providers = $null; Ids = $null; Levels = $null; Start = $null; End = $null }
        if ($filter.ContainsKey('LogName')) { $spec.Logs = [string[]]@($filter['LogName']) }
        if ($filter.ContainsKey('ProviderName')) { $spec.Providers = [string[]]@($filter['ProviderName']) }
        if ($filter.ContainsKey('Id')) { $spec.Ids = [int[]]@($filter['Id']) }
        if ($filter.ContainsKey('Level')) { $spec.Levels = [int[]]@($filter['Level']) }
        if ($filter.ContainsKey('StartTime')) { $spec.Start = [datetime]$filter['StartTime'] }
        if ($filter.ContainsKey('EndTime')) { $spec.End = [datetime]$filter['EndTime'] }
        $spec
    }
    $found = [System.Collections.Generic.List[object]]::new()
    foreach ($record in $all) {
        foreach ($spec in @($specs)) {
            if ($null -ne $spec.Logs -and -not (GuestStandIn_LikeAny -Value $record.LogName -Patterns $spec.Logs)) { continue }
            if ($null -ne $spec.Providers -and -not (GuestStandIn_LikeAny -Value $record.ProviderName -Patterns $spec.Providers)) { continue }
            if ($null -ne $spec.Ids -and $spec.Ids -notcontains $record.Id) { continue }
            if ($null -ne $spec.Levels -and $spec.Levels -notcontains [int]$record.Level) { continue }
            if ($null -ne $spec.Start -and $record.TimeCreated -lt $spec.Start) { continue }
            if ($null -ne $spec.End -and $record.TimeCreated -gt $spec.End) { continue }
            $found.Add($record)
            break
        }
    }
    $sorted = @($found | Sort-Object -Property TimeCreated -Descending:(-not $Oldest))
    if ($MaxEvents -ge 0 -and $sorted.Count -gt $MaxEvents) { $sorted = @($sorted | Select-Object -First $MaxEvents) }
    if ($sorted.Count -eq 0) {
        $exception = [System.Exception]::new('No events were found that match the specified selection criteria.')
        GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand' -Category ObjectNotFound -Target $null
        return
    }
    $sorted
}

# ---------------------------------------------------------------------------------------------------------- services

function global:GuestStandIn_Services {
    $services = [ordered]@{ TermService = 'Remote Desktop Services'; UmRdpService = 'Remote Desktop Services UserMode Port Redirector'; SessionEnv = 'Remote Desktop Configuration'; WinRM = 'Windows Remote Management (WS-Management)' }
    if ($null -ne $global:GuestStandIn.Features -and $global:GuestStandIn.Features.Contains('RDS-Licensing') -and [string]$global:GuestStandIn.Features['RDS-Licensing'] -eq 'Installed') {
        $services['TermServLicensing'] = 'Remote Desktop Licensing'
    }
    return $services
}

function global:Get-Service {
    [CmdletBinding(DefaultParameterSetName = 'Default')]
    param([Parameter(ParameterSetName = 'Default', Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)] [Alias('ServiceName')] [string[]] $Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)] [string[]] $DisplayName)
    process {
        $services = GuestStandIn_Services
        $patterns = @($Name)
        if ($PSCmdlet.ParameterSetName -eq 'DisplayName') { $patterns = @($DisplayName) }
        if ($patterns.Count -eq 0) { $patterns = @('*') }
        foreach ($pattern in $patterns) {
            $matched = @($services.GetEnumerator() | Where-Object { $(if ($PSCmdlet.ParameterSetName -eq 'DisplayName') { $_.Value } else { $_.Key }) -like $pattern })
            if ($matched.Count -eq 0 -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($pattern)) {
                $exception = [System.InvalidOperationException]::new("Cannot find any service with service name '$pattern'.")
                GuestStandIn_WriteError -Cmdlet $PSCmdlet -Exception $exception -ErrorId 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand' -Category ObjectNotFound -Target $pattern
                continue
            }
            foreach ($service in $matched) {
                $object = [pscustomobject]@{ Name = [string]$service.Key; ServiceName = [string]$service.Key; DisplayName = [string]$service.Value; Status = 'Running'; StartType = 'Automatic' }
                $object.PSObject.TypeNames.Insert(0, 'System.ServiceProcess.ServiceController')
                $object
            }
        }
    }
}

function global:Restart-Service {
    [CmdletBinding(DefaultParameterSetName = 'Default')]
    param([Parameter(ParameterSetName = 'Default', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)] [Alias('ServiceName')] [string[]] $Name,
        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)] [object[]] $InputObject,
        [switch] $Force, [switch] $PassThru)
    process {
        $names = @($Name)
        if ($PSCmdlet.ParameterSetName -eq 'InputObject') { $names = @($InputObject | ForEach-Object { [string]$_.Name }) }
        foreach ($service in @(Get-Service -Name $names)) {
            # A restarted service comes back Running; the state has nothing a service restart changes.
            if ($PassThru) { $service }
        }
    }
}

# -------------------------------------------------------------------------------------------------------- the state

function global:Initialize-GuestStandIn {
    # Loads a guest (the "guest" object of a fixture, from ConvertFrom-Json) and defines the guest surface over it.
    param([Parameter(Mandatory = $true)] $Guest)
    $registry = GuestStandIn_NewMap
    if ($null -ne $Guest.registry) {
        foreach ($key in $Guest.registry.PSObject.Properties) {
            $values = GuestStandIn_NewMap
            foreach ($value in $key.Value.PSObject.Properties) {
                $kind = GuestStandIn_ValueKind -Type ([string]$value.Value.type)
                $values[$value.Name] = [ordered]@{ type = $kind; value = (GuestStandIn_StoreValue -Type $kind -Value $value.Value.value) }
            }
            $registry[(GuestStandIn_RegistryKey -Path $key.Name)] = $values
        }
    }
    $features = $null
    if ($null -ne $Guest.features) {
        $features = GuestStandIn_NewMap
        foreach ($feature in $Guest.features.PSObject.Properties) { $features[$feature.Name] = [string]$feature.Value }
    }
    # events: per channel, id -> count; a channel mapped to null does not exist.
    $events = GuestStandIn_NewMap
    foreach ($channel in $global:GuestStandInChannels) {
        $events[$channel.Key] = GuestStandIn_NewMap
        if ($null -ne $Guest.PSObject.Properties['events'] -and $null -ne $Guest.events -and $null -ne $Guest.events.PSObject.Properties[$channel.Key]) {
            $counts = $Guest.events.($channel.Key)
            if ($null -eq $counts) { $events[$channel.Key] = $null }
            else { foreach ($count in $counts.PSObject.Properties) { $events[$channel.Key][$count.Name] = [int]$count.Value } }
        }
    }
    $dns = GuestStandIn_NewMap
    $dnsTimeout = [string[]]@()
    $tcp = GuestStandIn_NewMap
    if ($null -ne $Guest.PSObject.Properties['network'] -and $null -ne $Guest.network) {
        if ($null -ne $Guest.network.PSObject.Properties['dns'] -and $null -ne $Guest.network.dns) {
            foreach ($name in $Guest.network.dns.PSObject.Properties) { $dns[$name.Name] = [string[]]@($name.Value) }
        }
        if ($null -ne $Guest.network.PSObject.Properties['dnsTimeout']) { $dnsTimeout = [string[]]@($Guest.network.dnsTimeout | Where-Object { $null -ne $_ }) }
        if ($null -ne $Guest.network.PSObject.Properties['tcp135'] -and $null -ne $Guest.network.tcp135) {
            foreach ($address in $Guest.network.tcp135.PSObject.Properties) { $tcp[$address.Name] = [string]$address.Value }
        }
    }
    $is64 = $true
    if ($null -ne $Guest.PSObject.Properties['is64BitProcess'] -and $null -ne $Guest.is64BitProcess) { $is64 = [bool]$Guest.is64BitProcess }
    $global:GuestStandIn = [pscustomobject]@{
        Guest = $Guest; Registry = $registry; Features = $features; Events = $events
        Dns = $dns; DnsTimeout = $dnsTimeout; Tcp135 = $tcp; Is64BitProcess = $is64
    }
    GuestStandIn_DefineFeatureCommands
    # The scripts' .NET wrappers: a global alias is found before the script's own function of the same name.
    Set-Alias -Name Resolve-HostAddress -Value GuestStandIn_ResolveHostAddress -Scope Global -Force
    Set-Alias -Name Connect-TcpPort -Value GuestStandIn_ConnectTcpPort -Scope Global -Force
    Set-Alias -Name Test-Is64BitProcess -Value GuestStandIn_Is64BitProcess -Scope Global -Force
    Set-Alias -Name Open-RegistryBaseKey64 -Value GuestStandIn_OpenBaseKey64 -Scope Global -Force
}

function global:Export-GuestStandInGuest {
    # The guest in the fixture format, with the registry and features as the scripts left them.
    $registry = [ordered]@{}
    foreach ($key in $global:GuestStandIn.Registry.GetEnumerator()) {
        $values = [ordered]@{}
        foreach ($value in $key.Value.GetEnumerator()) {
            $data = $value.Value.value
            if ($value.Value.type -in 'MultiString', 'Binary') { $data = [object[]]@($data) }
            $values[[string]$value.Key] = [ordered]@{ type = [string]$value.Value.type; value = $data }
        }
        $registry[[string]$key.Key] = $values
    }
    $features = $null
    if ($null -ne $global:GuestStandIn.Features) {
        $features = [ordered]@{}
        foreach ($feature in $global:GuestStandIn.Features.GetEnumerator()) { $features[[string]$feature.Key] = [string]$feature.Value }
    }
    $guest = [ordered]@{}
    foreach ($property in $global:GuestStandIn.Guest.PSObject.Properties) {
        switch ($property.Name) {
            'registry' { $guest['registry'] = $registry }
            'features' { $guest['features'] = $features }
            default { $guest[$property.Name] = $property.Value }
        }
    }
    if (-not $guest.Contains('registry')) { $guest['registry'] = $registry }
    return $guest
}

# ---------------------------------------------------------------------------------------------------------- one run

function global:GuestStandIn_Result {
    param([int] $ExitCode, [string] $StdOut, [string] $StdErr)
    return [pscustomobject]@{ ExitCode = $ExitCode; StdOut = $StdOut; StdErr = $StdErr }
}

function global:GuestStandIn_FormatError {
    # An error record as powershell.exe prints it on stderr (NormalView: message, position, category, error id).
    param($Record)
    $ErrorView = 'NormalView'
    return ($Record | Out-String -Width 200).Trim()
}

function global:GuestStandIn_CmdExePass {
    # The cmd.exe layer Run Command puts between its parameters and powershell.exe (Learn: "Run scripts in your Windows
    # VM by using action Run Commands", known issues; azure-powershell issues 29880, 19087, 7269), modelled strictly as in
    # src/AzureRdsFix.Simulation/Guests/CmdExeLayer.cs: '"' toggles quoting and is dropped; '^' outside quotes escapes the
    # next character; '%' is dropped; outside quotes '&' and '|' end the command (the rest fails as another command),
    # '<' and '>' are redirections (the script does not run), a space or tab ends the value (an extra word is an unbound
    # positional argument: the script does not run). Returns Parameters ($null = the script does not run) and StdErr.
    param([System.Collections.IDictionary] $Parameters)
    $passed = [ordered]@{}
    foreach ($name in @($Parameters.Keys)) {
        $raw = [string]$Parameters[$name]
        $value = [System.Text.StringBuilder]::new()
        $quoted = $false
        for ($i = 0; $i -lt $raw.Length; $i++) {
            $c = $raw[$i]
            if ($c -eq '"') { $quoted = -not $quoted; continue }
            if ($c -eq '%') { continue }
            if (-not $quoted -and $c -eq '^') { $i++; if ($i -lt $raw.Length) { $null = $value.Append($raw[$i]) }; continue }
            if (-not $quoted -and ($c -eq '&' -or $c -eq '|')) {
                $passed[$name] = $value.ToString()
                $rest = @($raw.Substring($i + 1).Trim() -split '[ \t]')[0]
                return [pscustomobject]@{ Parameters = $passed; StdErr = "'$rest' is not recognized as an internal or external command,`noperable program or batch file.`n" }
            }
            if (-not $quoted -and ($c -eq '<' -or $c -eq '>')) { return [pscustomobject]@{ Parameters = $null; StdErr = "The system cannot find the file specified.`n" } }
            if (-not $quoted -and ($c -eq ' ' -or $c -eq "`t")) {
                $extra = $raw.Substring($i + 1).TrimStart(' ', "`t")
                if ($extra.Length -gt 0) {
                    return [pscustomobject]@{ Parameters = $null; StdErr = "A positional parameter cannot be found that accepts argument '$(@($extra -split '[ \t]')[0])'.`n" }
                }
                break
            }
            $null = $value.Append($c)
        }
        $passed[$name] = $value.ToString()
    }
    return [pscustomobject]@{ Parameters = $passed; StdErr = '' }
}

function global:Invoke-GuestStandInRun {
    # One Run Command: loads the state file, runs the script with its parameters (-Name value strings), saves the
    # mutated guest back, and returns ExitCode, StdOut, StdErr as powershell.exe -File would give them: output objects
    # formatted as text, warnings as "WARNING: ..." and Write-Host text on stdout, error records on stderr, an uncaught
    # error on stderr with exit code 1, `exit N` kept. Exit codes 99 (could not start) and 98 (state not saved) are the
    # stand-in's own failures. Locals carry a GuestStandIn prefix: the script runs in a child scope and sees them.
    param([Parameter(Mandatory = $true)] [System.Collections.IDictionary] $GuestStandInJob)
    $GuestStandInOut = [System.Text.StringBuilder]::new()
    $GuestStandInErr = [System.Text.StringBuilder]::new()
    $GuestStandInParameters = [ordered]@{}
    $GuestStandInDocument = $null
    $GuestStandInScript = $null
    try {
        $GuestStandInScript = [System.IO.Path]::GetFullPath([string]$GuestStandInJob['ScriptFile'])
        $GuestStandInState = [System.IO.Path]::GetFullPath([string]$GuestStandInJob['StateFile'])
        if (-not [System.IO.File]::Exists($GuestStandInScript)) { throw "The script file $GuestStandInScript does not exist." }
        $GuestStandInDocument = [System.IO.File]::ReadAllText($GuestStandInState) | ConvertFrom-Json -DateKind String
        if ($null -eq $GuestStandInDocument -or $null -eq $GuestStandInDocument.PSObject.Properties['guest']) { throw "The state file $GuestStandInState has no ""guest"" object." }
        $GuestStandInParsed = ([string]$GuestStandInJob['ParametersJson']) | ConvertFrom-Json -DateKind String
        if ($null -ne $GuestStandInParsed) { foreach ($GuestStandInP in $GuestStandInParsed.PSObject.Properties) { $GuestStandInParameters[$GuestStandInP.Name] = [string]$GuestStandInP.Value } }
        Initialize-GuestStandIn -Guest $GuestStandInDocument.guest
    }
    catch {
        return GuestStandIn_Result -ExitCode 99 -StdOut '' -StdErr "GuestStandIn could not start: $($_.Exception.Message)"
    }
    $GuestStandInCmd = GuestStandIn_CmdExePass -Parameters $GuestStandInParameters
    if ($null -eq $GuestStandInCmd.Parameters) { return GuestStandIn_Result -ExitCode 1 -StdOut '' -StdErr $GuestStandInCmd.StdErr }
    $GuestStandInParameters = $GuestStandInCmd.Parameters
    $null = $GuestStandInErr.Append($GuestStandInCmd.StdErr)

    $GuestStandInExit = 0
    $global:LASTEXITCODE = 0
    try {
        & $GuestStandInScript @GuestStandInParameters 2>&1 3>&1 6>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $null = $GuestStandInErr.AppendLine((GuestStandIn_FormatError $_)) }
            elseif ($_ -is [System.Management.Automation.WarningRecord]) { $null = $GuestStandInOut.AppendLine("WARNING: $($_.Message)") }
            elseif ($_ -is [System.Management.Automation.InformationRecord]) { $null = $GuestStandInOut.AppendLine([string]$_.MessageData) }
            else { foreach ($GuestStandInLine in ($_ | Out-String -Stream -Width 120)) { $null = $GuestStandInOut.AppendLine($GuestStandInLine) } }
        }
        $GuestStandInExit = [int]$global:LASTEXITCODE
    }
    catch {
        $null = $GuestStandInErr.AppendLine((GuestStandIn_FormatError $_))
        $GuestStandInExit = 1
    }

    try {
        $GuestStandInDocument.guest = [pscustomobject](Export-GuestStandInGuest)
        $GuestStandInJson = ConvertTo-Json -InputObject $GuestStandInDocument -Depth 20
        $GuestStandInTemp = "$GuestStandInState.tmp"
        [System.IO.File]::WriteAllText($GuestStandInTemp, $GuestStandInJson + "`n", [System.Text.UTF8Encoding]::new($false))
        [System.IO.File]::Move($GuestStandInTemp, $GuestStandInState, $true)
    }
    catch {
        return GuestStandIn_Result -ExitCode 98 -StdOut $GuestStandInOut.ToString() -StdErr "GuestStandIn could not save the guest state: $($_.Exception.Message)"
    }
    return GuestStandIn_Result -ExitCode $GuestStandInExit -StdOut $GuestStandInOut.ToString() -StdErr $GuestStandInErr.ToString()
}
