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
# DNS lookup and TCP 135 connect each wait at most this long per server: 4 servers x 2 x 3 s = 24 s at worst.
$ReachTimeoutMilliseconds = 3000

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

function Get-RawValue {
    # The value with its registry type as Windows PowerShell reads it back (String, MultiString, DWord, QWord, Binary).
    param([string] $Path, [string] $Name)
    $value = Get-RegistryValue -Path $Path -Name $Name
    if ($null -eq $value) { return $null }
    $type = 'String'
    if ($value -is [byte[]]) { $type = 'Binary' }
    elseif ($value -is [array]) { $type = 'MultiString' }
    elseif ($value -is [int]) { $type = 'DWord' }
    elseif ($value -is [long]) { $type = 'QWord' }
    return [pscustomobject]@{ Type = $type; Value = $value }
}

function Test-ModeRestorable {
    # Restore writes LicensingMode as a DWORD 0-6 (or removes it): only such a value (or none) can be put back exactly.
    $raw = Get-RawValue -Path $RcmKey -Name 'LicensingMode'
    if ($null -eq $raw) { return $true }
    return ($raw.Type -eq 'DWord') -and ([int]$raw.Value -ge 0) -and ([int]$raw.Value -le 6)
}

function Test-ServersRestorable {
    # Restore writes SpecifiedLicenseServers as a MULTI_SZ of 1-4 valid hosts (or removes it): anything else (a REG_SZ,
    # names with '_', a trailing dot, non-ASCII, more than 4 entries, padded or empty entries) could not be put back.
    $raw = Get-RawValue -Path $ServersKey -Name 'SpecifiedLicenseServers'
    if ($null -eq $raw) { return $true }
    if ($raw.Type -ne 'MultiString') { return $false }
    $entries = @($raw.Value)
    if ($entries.Count -eq 0) { return $true }
    foreach ($entry in $entries) {
        if ([string]::IsNullOrEmpty([string]$entry) -or ([string]$entry) -cne ([string]$entry).Trim()) { return $false }
    }
    return Test-ServerList -Value ($entries -join ',')
}

function Add-RawBefore {
    # For a value the run refused to change: its registry type and its raw text as hex of UTF-8 (MULTI_SZ entries
    # joined by a line feed, 512 hex digits at most), so the journal keeps what sanitizing would have lost.
    param($Change, [string[]] $Raw, [string] $Path, [string] $Name)
    if ($Raw -notcontains $Change.setting) { return $Change }
    $value = Get-RawValue -Path $Path -Name $Name
    $text = ''
    if ($value.Type -eq 'MultiString') { $text = @($value.Value) -join "`n" } else { $text = [string]$value.Value }
    $hex = (([System.Text.Encoding]::UTF8.GetBytes($text) | ForEach-Object { $_.ToString('x2') }) -join '')
    if ($hex.Length -gt 512) { $hex = $hex.Substring(0, 512) }
    $Change['beforeType'] = $value.Type
    $Change['beforeRaw'] = $hex
    return $Change
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

function Get-KeyPackRefusal {
    # RD Licensing is not removed while its CAL key packs hold licenses, nor when they cannot be read (the safe side):
    # {message, errorId} for the Blocked result, or $null when the role may go.
    try {
        $count = Get-LicensedKeyPackCount
    }
    catch {
        return New-Failure -Message ('RDS-Licensing was not removed: its CAL key packs could not be read: ' + $_.Exception.Message) -ErrorId ('LicensesUnknown ' + (Get-ErrorId -ErrorRecord $_))
    }
    if ($count -eq 0) { return $null }
    return New-Failure -Message "RDS-Licensing was not removed: $count CAL key pack(s) hold licenses (Win32_TSLicenseKeyPack TotalLicenses or IssuedLicenses above 0)." -ErrorId 'LicensesInstalled'
}

function Write-RegistryValue {
    # Through the 64-bit view on a 32-bit host (GuestHelpers: Open-RegistryKey64), else through the registry provider.
    param([string] $Path, [string] $Name, [string] $Type, $Value)
    if ($script:Registry64View) {
        $key = Open-RegistryKey64 -Path $Path -Create
        try {
            $key.SetValue($Name, $Value, $Type)
        }
        finally {
            $key.Close()
        }
        return
    }
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
    if ($script:Registry64View) {
        $key = Open-RegistryKey64 -Path $Path -Writable
        try {
            $key.DeleteValue($Name)
        }
        finally {
            $key.Close()
        }
        return 'Registry'
    }
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
    param([string] $Status, [AllowNull()] $Blocked, [string[]] $Unreachable, [object[]] $Changes, [AllowNull()] $Method,
        [bool] $RoleRestart = $false, [AllowNull()] $Failure = $null)
    $restart = $RoleRestart
    $anyChange = $false
    foreach ($change in $Changes) {
        if ($change.changed) { $anyChange = $true }
        if ($change.changed -and $change.setting -notlike 'RDS-*') { $restart = $true }
    }
    if ($Status -ne 'Blocked') {
        $Status = 'NoChange'
        if ($anyChange) { $Status = 'Applied' }
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
        error         = $Failure
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
    $refusal = $null
    $unreachable = New-Object System.Collections.Generic.List[string]
    $notRestorable = New-Object System.Collections.Generic.List[string]
    if ($isApply -and $askMode -and $modeBefore -cne $LicensingMode -and -not (Test-ModeRestorable)) { $notRestorable.Add('LicensingMode') }
    if ($isApply -and $askServers -and $serversBefore -ne $LicenseServers -and -not (Test-ServersRestorable)) { $notRestorable.Add('SpecifiedLicenseServers') }
    if (($askMode -or $askServers) -and (Test-GroupPolicyManaged)) {
        $blocked = 'GroupPolicy'
    }
    elseif ($notRestorable.Count -gt 0) {
        # A value a Restore could not put back exactly (wrong type, names with '_', more than 4 entries, a trailing dot,
        # non-ASCII...) is not changed: the result carries it raw, with its type, for the journal.
        $blocked = 'NotRestorable'
    }
    elseif ($roles.Contains('RDS-Licensing') -and $roleBefore['RDS-Licensing'] -eq 'Installed' -and $null -ne ($refusal = Get-KeyPackRefusal)) {
        # Removing a license server that holds CALs would lose them for every session host it serves.
        $blocked = 'LicensesInstalled'
    }
    elseif ($isApply -and $askServers) {
        foreach ($server in $LicenseServers.Split(',')) {
            $test = Test-LicenseServerReach -HostName $server -TimeoutMilliseconds $ReachTimeoutMilliseconds
            if ($test.tcp135 -ne 'open') { $unreachable.Add($server) }
        }
        if ($unreachable.Count -gt 0) { $blocked = 'Unreachable' }
    }
    if ($null -ne $blocked) {
        $unchanged = New-Object System.Collections.Generic.List[object]
        if ($askMode) { $unchanged.Add((Add-RawBefore -Change (New-Change -Setting 'LicensingMode' -Before $modeBefore -After $modeBefore) -Raw $notRestorable -Path $RcmKey -Name 'LicensingMode')) }
        if ($askServers) { $unchanged.Add((Add-RawBefore -Change (New-Change -Setting 'SpecifiedLicenseServers' -Before $serversBefore -After $serversBefore) -Raw $notRestorable -Path $ServersKey -Name 'SpecifiedLicenseServers')) }
        foreach ($role in $roles) { $unchanged.Add((New-Change -Setting $role -Before $roleBefore[$role] -After $roleBefore[$role])) }
        return New-Result -Status 'Blocked' -Blocked $blocked -Unreachable $unreachable.ToArray() -Changes $unchanged.ToArray() -Method $null -Failure $refusal
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

    # Role removal comes last, and a failure there must not lose the record of what was already written: the one result
    # line then carries the changes so far and the error. Success and restart come from Uninstall-WindowsFeature's own
    # result (Success, RestartNeeded: Yes/No/Maybe), and a role left UninstallPending still needs a restart.
    $roleRestart = $false
    $failure = $null
    foreach ($role in $roles) {
        $after = $roleBefore[$role]
        try {
            if ($roleBefore[$role] -eq 'Installed') {
                $removal = Uninstall-WindowsFeature -Name $role
                if ($null -eq $removal -or -not [bool]$removal.Success) {
                    $code = $null
                    if ($null -ne $removal -and $null -ne $removal.PSObject.Properties['ExitCode']) { $code = [string]$removal.ExitCode }
                    $failure = New-Failure -Message "Uninstall-WindowsFeature $role did not succeed." -ErrorId "UninstallNotSucceeded,ExitCode=$code"
                }
                if ($null -ne $removal -and $null -ne $removal.PSObject.Properties['RestartNeeded'] -and [string]$removal.RestartNeeded -ne 'No') { $roleRestart = $true }
            }
            $after = Get-FeatureState -Name $role
        }
        catch {
            $failure = New-Failure -Message $_.Exception.Message -ErrorRecord $_
        }
        if ($after -eq 'UninstallPending') { $roleRestart = $true }
        $changes.Add((New-Change -Setting $role -Before $roleBefore[$role] -After $after))
        if ($null -ne $failure) { break }
    }

    $method = $null
    if ($methods.Count -gt 0) {
        $method = 'Wmi'
        if ($methods.Contains('Registry')) { $method = 'Registry' }
    }
    return New-Result -Status '' -Blocked $null -Unreachable @() -Changes $changes.ToArray() -Method $method -RoleRestart $roleRestart -Failure $failure
}

$parameterError = Get-DecodeError
if ($null -eq $parameterError) { $parameterError = Get-ParameterError }
if ($null -ne $parameterError) {
    Write-ErrorLine -Message $parameterError -ErrorId 'InvalidParameter'
    exit 1
}
if ($Operation -eq 'Apply') { $Operation = 'Apply' } else { $Operation = 'Restore' }

try {
    $result = Invoke-RdsLicensingChange
    Write-Output ('AZRDSFIX remediate ' + (ConvertTo-Json -InputObject $result -Compress -Depth 5))
    exit 0
}
catch {
    Write-ErrorLine -Message (ConvertTo-SafeText -Value $_.Exception.Message -MaxLength 300 -Ellipsis) -ErrorId (Get-ErrorId -ErrorRecord $_)
    exit 1
}
