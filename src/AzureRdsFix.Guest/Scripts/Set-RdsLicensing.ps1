# AZRDSFIX-SCRIPT Set-RdsLicensing v1
# Sets (Apply) or puts back (Restore) the RD licensing mode and license servers, and optionally removes the RDSH or
# RD Licensing role. Idempotent: reads every value first and writes only what differs. Prints exactly one line:
#   AZRDSFIX remediate {compact JSON}   or   AZRDSFIX error {"message":"..."}   (docs/guest-contract.md)
# Every parameter value arrives as hex of its UTF-8 bytes (Run Command passes values through cmd.exe, which eats or acts
# on ^ & % < > | " and cuts at a space); it is decoded, then validated in the body, not by attributes, so that a bad
# value still yields the one error line.
# Windows PowerShell 5.1 syntax only; touches Windows only through the guest surface (DESIGN.md).
[CmdletBinding()]
param(
    [AllowEmptyString()] [string] $Operation = '',
    [AllowEmptyString()] [string] $LicensingMode = '',
    [AllowEmptyString()] [string] $LicenseServers = '',
    [AllowEmptyString()] [string] $RemoveRdsh = '',
    [AllowEmptyString()] [string] $RemoveLicensingRole = ''
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

#AZRDSFIX-INCLUDE GuestHelpers.Include.ps1

$Absent = '<absent>'
$MaxServers = 4
$MaxServersLength = 512
$MaxReported = 512
$MaxEncodedLength = 2048

function Test-HostName {
    # RFC 1123: labels of 1-63 letters, digits and hyphens, no hyphen at either end, 253 characters in all; digits and
    # dots alone are an IP address or nothing (as in AzureRdsFix.Core.Model.HostName).
    param([string] $HostName)
    if ($HostName.Length -lt 1 -or $HostName.Length -gt 253) { return $false }
    if ($HostName -match '\A[0-9.]+\z') { return $false }
    foreach ($label in $HostName.Split('.')) {
        if ($label -notmatch '\A[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z') { return $false }
    }
    return $true
}

function Test-ServerList {
    param([string] $Value)
    if ($Value.Length -gt $MaxServersLength) { return $false }
    $entries = $Value.Split(',')
    if ($entries.Count -gt $MaxServers) { return $false }
    foreach ($entry in $entries) {
        if (-not ((Test-IpLiteral -HostName $entry) -or (Test-HostName -HostName $entry))) { return $false }
    }
    return $true
}

function ConvertFrom-HexParameter {
    # Hex of UTF-8 bytes -> text; $null when the value is not an even number of hex digits of valid UTF-8.
    param([AllowEmptyString()] [string] $Value)
    if ($Value.Length -gt $MaxEncodedLength -or $Value -cnotmatch '\A(?:[0-9A-Fa-f]{2})*\z') { return $null }
    $bytes = New-Object byte[] ($Value.Length / 2)
    for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [System.Convert]::ToByte($Value.Substring(2 * $i, 2), 16) }
    try {
        return (New-Object System.Text.UTF8Encoding($false, $true)).GetString($bytes)
    }
    catch {
        return $null
    }
}

function Get-DecodeError {
    # Decodes every parameter in table order into script scope; the first that does not decode, as one sentence.
    $raw = [ordered]@{ Operation = $Operation; LicensingMode = $LicensingMode; LicenseServers = $LicenseServers; RemoveRdsh = $RemoveRdsh; RemoveLicensingRole = $RemoveLicensingRole }
    $decoded = @{}
    foreach ($name in $raw.Keys) {
        $text = ConvertFrom-HexParameter -Value $raw[$name]
        if ($null -eq $text) { return "Parameter $name must be hex-encoded UTF-8 (two hex digits per byte, $MaxEncodedLength digits at most)." }
        $decoded[$name] = $text
    }
    $script:Operation = $decoded['Operation']
    $script:LicensingMode = $decoded['LicensingMode']
    $script:LicenseServers = $decoded['LicenseServers']
    $script:RemoveRdsh = $decoded['RemoveRdsh']
    $script:RemoveLicensingRole = $decoded['RemoveLicensingRole']
    return $null
}

function Get-ParameterError {
    # The first bad parameter, as one sentence that never echoes the value; $null when all are good.
    if ($Operation -ne 'Apply' -and $Operation -ne 'Restore') { return 'Parameter Operation must be Apply or Restore.' }
    $isApply = $Operation -eq 'Apply'
    if ($isApply) {
        if ($LicensingMode -cnotmatch '\A[24]?\z') { return 'Parameter LicensingMode must be 2, 4 or empty for Apply.' }
        if ($LicenseServers -ne '' -and -not (Test-ServerList -Value $LicenseServers)) {
            return 'Parameter LicenseServers must be empty or 1 to 4 comma-separated host names (RFC 1123) or IP addresses, 512 characters at most.'
        }
    }
    else {
        if ($LicensingMode -cnotmatch '\A[0-6]?\z' -and $LicensingMode -ne $Absent) {
            return 'Parameter LicensingMode must be 0 to 6, <absent> or empty for Restore.'
        }
        if ($LicenseServers -ne '' -and $LicenseServers -ne $Absent -and -not (Test-ServerList -Value $LicenseServers)) {
            return 'Parameter LicenseServers must be empty, <absent> or 1 to 4 comma-separated host names (RFC 1123) or IP addresses, 512 characters at most.'
        }
    }
    $switchError = Get-SwitchError -Name 'RemoveRdsh' -Value $RemoveRdsh -IsApply $isApply
    if ($null -eq $switchError) { $switchError = Get-SwitchError -Name 'RemoveLicensingRole' -Value $RemoveLicensingRole -IsApply $isApply }
    return $switchError
}

function Get-SwitchError {
    param([string] $Name, [string] $Value, [bool] $IsApply)
    if ($Value -ne '' -and $Value -ne 'true' -and $Value -ne 'false') { return "Parameter $Name must be true, false or empty." }
    if (-not $IsApply -and $Value -eq 'true') { return "Parameter $Name can be true only for Apply." }
    return $null
}

function Get-ModeText {
    # LicensingMode as a decimal string (DWORD read as unsigned), or $null when absent.
    $value = Get-RegistryValue -Path $RcmKey -Name 'LicensingMode'
    if ($null -eq $value) { return $null }
    if ($value -is [int] -and $value -lt 0) { return [string]([int64]$value + 4294967296) }
    return [string]$value
}

function Get-ServersText {
    # SpecifiedLicenseServers comma-joined; an empty list counts as absent.
    $entries = Get-RegistryEntries -Path $ServersKey -Name 'SpecifiedLicenseServers'
    if ($entries.Count -eq 0) { return $null }
    return $entries -join ','
}

function Test-GroupPolicyManaged {
    $mode = Get-RegistryValue -Path $PolicyKey -Name 'LicensingMode'
    $servers = Get-RegistryEntries -Path $PolicyKey -Name 'LicenseServers'
    return ($null -ne $mode) -or ($servers.Count -gt 0)
}

function Get-FeatureState {
    # InstallState as a string; $null when the feature is unknown or Get-WindowsFeature does not exist.
    param([string] $Name)
    try {
        $feature = Get-WindowsFeature -Name $Name
    }
    catch [System.Management.Automation.CommandNotFoundException] {
        return $null
    }
    if ($null -eq $feature) { return $null }
    return [string]$feature.InstallState
}

function Write-RegistryValue {
    param([string] $Path, [string] $Name, [string] $Type, $Value)
    if (-not (Test-Path -Path $Path)) { $null = New-Item -Path $Path -Force }
    $null = New-ItemProperty -Path $Path -Name $Name -PropertyType $Type -Value $Value -Force
}

function Set-LicensingModeValue {
    # Returns the method used: 'Wmi' when ChangeMode took effect, else 'Registry'.
    param([string] $Target, $Setting)
    if ($null -ne $Setting) {
        try {
            $result = Invoke-CimMethod -InputObject $Setting -MethodName ChangeMode -Arguments @{ LicensingType = [uint32]$Target }
            if ([int]$result.ReturnValue -eq 0 -and (Get-ModeText) -ceq $Target) { return 'Wmi' }
        }
        catch {
            # Fall through to the registry: the value read back below tells the truth either way.
            $null = $_
        }
    }
    Write-RegistryValue -Path $RcmKey -Name 'LicensingMode' -Type 'DWord' -Value ([int]$Target)
    return 'Registry'
}

function Set-LicenseServersValue {
    param([string[]] $Target, $Setting)
    $targetText = $Target -join ','
    if ($null -ne $Setting) {
        try {
            $result = Invoke-CimMethod -InputObject $Setting -MethodName SetSpecifiedLicenseServerList -Arguments @{ SpecifiedLSList = $Target }
            if ([int]$result.ReturnValue -eq 0 -and (Get-ServersText) -eq $targetText) { return 'Wmi' }
        }
        catch {
            $null = $_
        }
    }
    Write-RegistryValue -Path $ServersKey -Name 'SpecifiedLicenseServers' -Type 'MultiString' -Value $Target
    return 'Registry'
}

function Remove-RegistryValue {
    param([string] $Path, [string] $Name)
    Remove-ItemProperty -Path $Path -Name $Name
    return 'Registry'
}

function New-Change {
    param([string] $Setting, [AllowNull()] $Before, [AllowNull()] $After)
    $changed = -not ((($null -eq $Before) -and ($null -eq $After)) -or (($null -ne $Before) -and ($null -ne $After) -and ($Before -eq $After)))
    return [ordered]@{
        setting = $Setting
        before  = ConvertTo-SafeText -Value $Before -MaxLength $MaxReported -Ellipsis
        after   = ConvertTo-SafeText -Value $After -MaxLength $MaxReported -Ellipsis
        changed = $changed
    }
}

function New-Result {
    param([string] $Status, [AllowNull()] $Blocked, [string[]] $Unreachable, [object[]] $Changes, [AllowNull()] $Method)
    $restart = $false
    foreach ($change in $Changes) { if ($change.changed) { $restart = $true } }
    if ($Status -ne 'Blocked') {
        $Status = 'NoChange'
        if ($restart) { $Status = 'Applied' }
    }
    return [ordered]@{
        schema        = 1
        operation     = $Operation
        status        = $Status
        blocked       = $Blocked
        unreachable   = [string[]]$Unreachable
        changes       = [object[]]$Changes
        restartNeeded = $restart
        method        = $Method
    }
}

function Invoke-RdsLicensingChange {
    $isApply = $Operation -eq 'Apply'
    $askMode = $LicensingMode -ne ''
    $askServers = $LicenseServers -ne ''
    $roles = New-Object System.Collections.Generic.List[string]
    if ($RemoveRdsh -eq 'true') { $roles.Add('RDS-RD-Server') }
    if ($RemoveLicensingRole -eq 'true') { $roles.Add('RDS-Licensing') }

    $modeBefore = $null
    $serversBefore = $null
    if ($askMode) { $modeBefore = Get-ModeText }
    if ($askServers) { $serversBefore = Get-ServersText }
    $roleBefore = @{}
    foreach ($role in $roles) { $roleBefore[$role] = Get-FeatureState -Name $role }

    $blocked = $null
    $unreachable = New-Object System.Collections.Generic.List[string]
    if (($askMode -or $askServers) -and (Test-GroupPolicyManaged)) {
        $blocked = 'GroupPolicy'
    }
    elseif ($isApply -and $askServers) {
        foreach ($server in $LicenseServers.Split(',')) {
            $test = Test-LicenseServerReach -HostName $server
            if (-not ($test.dns -and $test.tcp135)) { $unreachable.Add($server) }
        }
        if ($unreachable.Count -gt 0) { $blocked = 'Unreachable' }
    }
    if ($null -ne $blocked) {
        $unchanged = New-Object System.Collections.Generic.List[object]
        if ($askMode) { $unchanged.Add((New-Change -Setting 'LicensingMode' -Before $modeBefore -After $modeBefore)) }
        if ($askServers) { $unchanged.Add((New-Change -Setting 'SpecifiedLicenseServers' -Before $serversBefore -After $serversBefore)) }
        foreach ($role in $roles) { $unchanged.Add((New-Change -Setting $role -Before $roleBefore[$role] -After $roleBefore[$role])) }
        return New-Result -Status 'Blocked' -Blocked $blocked -Unreachable $unreachable.ToArray() -Changes $unchanged.ToArray() -Method $null
    }

    $setting = $null
    if ($isApply -and ($askMode -or $askServers)) { $setting = Get-TerminalServiceSetting }
    $methods = New-Object System.Collections.Generic.List[string]
    $changes = New-Object System.Collections.Generic.List[object]

    if ($askMode) {
        $target = $LicensingMode
        if ($target -eq $Absent) { $target = $null }
        if ($null -eq $target -and $null -ne $modeBefore) {
            $methods.Add((Remove-RegistryValue -Path $RcmKey -Name 'LicensingMode'))
        }
        elseif ($null -ne $target -and $modeBefore -cne $target) {
            if ($isApply) { $methods.Add((Set-LicensingModeValue -Target $target -Setting $setting)) }
            else { $methods.Add((Set-LicensingModeValue -Target $target -Setting $null)) }
        }
        $changes.Add((New-Change -Setting 'LicensingMode' -Before $modeBefore -After (Get-ModeText)))
    }

    if ($askServers) {
        $target = $LicenseServers
        if ($target -eq $Absent) { $target = $null }
        if ($null -eq $target -and $null -ne $serversBefore) {
            $methods.Add((Remove-RegistryValue -Path $ServersKey -Name 'SpecifiedLicenseServers'))
        }
        elseif ($null -ne $target -and $serversBefore -ne $target) {
            $list = [string[]]$target.Split(',')
            if ($isApply) { $methods.Add((Set-LicenseServersValue -Target $list -Setting $setting)) }
            else { $methods.Add((Set-LicenseServersValue -Target $list -Setting $null)) }
        }
        $changes.Add((New-Change -Setting 'SpecifiedLicenseServers' -Before $serversBefore -After (Get-ServersText)))
    }

    foreach ($role in $roles) {
        if ($roleBefore[$role] -eq 'Installed') {
            $null = Uninstall-WindowsFeature -Name $role
        }
        $changes.Add((New-Change -Setting $role -Before $roleBefore[$role] -After (Get-FeatureState -Name $role)))
    }

    $method = $null
    if ($methods.Count -gt 0) {
        $method = 'Wmi'
        if ($methods.Contains('Registry')) { $method = 'Registry' }
    }
    return New-Result -Status '' -Blocked $null -Unreachable @() -Changes $changes.ToArray() -Method $method
}

$parameterError = Get-DecodeError
if ($null -eq $parameterError) { $parameterError = Get-ParameterError }
if ($null -ne $parameterError) {
    Write-ErrorLine -Message $parameterError
    exit 1
}
if ($Operation -eq 'Apply') { $Operation = 'Apply' } else { $Operation = 'Restore' }

try {
    $result = Invoke-RdsLicensingChange
    Write-Output ('AZRDSFIX remediate ' + (ConvertTo-Json -InputObject $result -Compress -Depth 5))
    exit 0
}
catch {
    Write-ErrorLine -Message (ConvertTo-SafeText -Value $_.Exception.Message -MaxLength 300 -Ellipsis)
    exit 1
}
