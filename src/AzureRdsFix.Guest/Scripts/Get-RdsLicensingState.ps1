# AZRDSFIX-SCRIPT Get-RdsLicensingState v1
# Read-only probe of Remote Desktop Session Host licensing. Prints exactly one line:
#   AZRDSFIX probe {compact JSON}    (docs/guest-contract.md)
# Windows PowerShell 5.1 syntax only; touches Windows only through the guest surface (DESIGN.md).
[CmdletBinding()]
param()

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$RcmKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core'
$ServersKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'
$ComponentKey = 'HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\RDS-RD-Server'
$PolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$EventLogName = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin'
$MaxText = 100
$MaxListEntries = 4
$MaxWarnings = 5

$script:Warnings = New-Object System.Collections.Generic.List[string]

function ConvertTo-SafeText {
    # Printable ASCII without characters JSON or Windows PowerShell 5.1 would escape: keeps the line short and stable.
    param([AllowNull()] $Value, [int] $MaxLength = $MaxText)
    if ($null -eq $Value) { return $null }
    $text = ([string]$Value) -replace '[\r\n\t]', ' '
    $text = ($text -replace '[^\x20-\x7E]', '?') -replace '["\\<>&'']', '?'
    $text = $text.Trim()
    if ($text.Length -gt $MaxLength) { $text = $text.Substring(0, $MaxLength) }
    return $text
}

function Add-ProbeWarning {
    param([string] $Source, [System.Management.Automation.ErrorRecord] $ErrorRecord)
    if ($script:Warnings.Count -ge $MaxWarnings) { return }
    $message = "$Source could not be read: $($ErrorRecord.Exception.Message)"
    $script:Warnings.Add((ConvertTo-SafeText -Value $message))
}

function Get-RegistryValue {
    param([string] $Path, [string] $Name)
    if (-not (Test-Path -Path $Path)) { return $null }
    $item = Get-ItemProperty -Path $Path
    if ($null -eq $item) { return $null }
    $property = $item.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

function Get-RegistryDword {
    param([string] $Path, [string] $Name)
    try {
        $value = Get-RegistryValue -Path $Path -Name $Name
        if ($null -eq $value) { return $null }
        return [int]$value
    }
    catch {
        Add-ProbeWarning -Source "Registry value $Name" -ErrorRecord $_
        return $null
    }
}

function Get-RegistryList {
    # The raw entries of a MULTI_SZ or a comma-separated REG_SZ: trimmed, empty entries dropped.
    param([string] $Path, [string] $Name)
    $entries = New-Object System.Collections.Generic.List[string]
    try {
        $value = Get-RegistryValue -Path $Path -Name $Name
    }
    catch {
        Add-ProbeWarning -Source "Registry value $Name" -ErrorRecord $_
        $value = $null
    }
    if ($null -eq $value) { return , $entries.ToArray() }
    foreach ($item in @($value)) {
        foreach ($part in ([string]$item).Split(',')) {
            $trimmed = $part.Trim()
            if ($trimmed.Length -gt 0) { $entries.Add($trimmed) }
        }
    }
    return , $entries.ToArray()
}

function Select-FirstEntries {
    param([string[]] $Entries)
    $first = New-Object System.Collections.Generic.List[string]
    foreach ($entry in $Entries) {
        if ($first.Count -ge $MaxListEntries) { break }
        $first.Add($entry)
    }
    return , $first.ToArray()
}

function Test-ListTruncated {
    param([string[]] $Entries)
    if ($Entries.Count -gt $MaxListEntries) { return $true }
    foreach ($entry in (Select-FirstEntries -Entries $Entries)) {
        if ($entry.Length -gt $MaxText) { return $true }
    }
    return $false
}

function ConvertTo-SafeList {
    param([string[]] $Entries)
    $safe = New-Object System.Collections.Generic.List[string]
    foreach ($entry in (Select-FirstEntries -Entries $Entries)) { $safe.Add((ConvertTo-SafeText -Value $entry)) }
    return , $safe.ToArray()
}

function Test-IpLiteral {
    param([string] $HostName)
    $octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
    if ($HostName -match "\A($octet\.){3}$octet\z") { return $true }
    if ($HostName -notmatch '\A[0-9A-Fa-f:.]+\z' -or $HostName -notmatch ':') { return $false }
    $address = $null
    return [System.Net.IPAddress]::TryParse($HostName, [ref]$address)
}

function Get-ComputerFacts {
    try {
        $system = Get-CimInstance -ClassName Win32_ComputerSystem
        return [ordered]@{
            computer = ConvertTo-SafeText -Value $system.Name
            domain   = [ordered]@{ joined = [bool]$system.PartOfDomain; name = ConvertTo-SafeText -Value $system.Domain }
        }
    }
    catch {
        Add-ProbeWarning -Source 'Win32_ComputerSystem' -ErrorRecord $_
        return [ordered]@{ computer = $null; domain = $null }
    }
}

function Get-OsFacts {
    try {
        $os = Get-CimInstance -ClassName Win32_OperatingSystem
        return [ordered]@{
            caption = ConvertTo-SafeText -Value $os.Caption
            version = ConvertTo-SafeText -Value $os.Version
            build   = ConvertTo-SafeText -Value $os.BuildNumber
        }
    }
    catch {
        Add-ProbeWarning -Source 'Win32_OperatingSystem' -ErrorRecord $_
        return $null
    }
}

function Get-FeatureStates {
    # InstallState per feature name; $null when Get-WindowsFeature does not exist (client OS).
    try {
        $states = @{}
        foreach ($feature in @(Get-WindowsFeature -Name 'RDS-RD-Server', 'RDS-Licensing')) {
            if ($null -ne $feature) { $states[[string]$feature.Name] = ConvertTo-SafeText -Value ([string]$feature.InstallState) }
        }
        return $states
    }
    catch [System.Management.Automation.CommandNotFoundException] {
        if ($script:Warnings.Count -lt $MaxWarnings) {
            $script:Warnings.Add('Get-WindowsFeature is not available; role states are unknown.')
        }
        return $null
    }
    catch {
        Add-ProbeWarning -Source 'Get-WindowsFeature' -ErrorRecord $_
        return $null
    }
}

function Get-TerminalServiceSetting {
    try {
        return Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName Win32_TerminalServiceSetting
    }
    catch {
        Add-ProbeWarning -Source 'Win32_TerminalServiceSetting' -ErrorRecord $_
        return $null
    }
}

function Get-LicensingStatus {
    param($Setting)
    $status = [ordered]@{ graceDays = $null; lsStatus = $null }
    try {
        $grace = Invoke-CimMethod -InputObject $Setting -MethodName GetGracePeriodDays
        $status.graceDays = [int]$grace.DaysLeft
        $connectivity = Invoke-CimMethod -InputObject $Setting -MethodName GetTStoLSConnectivityStatus
        $status.lsStatus = [int]$connectivity.TsToLsConnectivityStatus
    }
    catch {
        Add-ProbeWarning -Source 'Win32_TerminalServiceSetting' -ErrorRecord $_
    }
    return $status
}

function Test-LicenseServerReach {
    param([string] $HostName)
    $dns = $false
    if (Test-IpLiteral -HostName $HostName) {
        $dns = $true
    }
    else {
        try {
            $answers = @(Resolve-DnsName -Name $HostName -QuickTimeout -ErrorAction Stop)
            $dns = $answers.Count -gt 0
        }
        catch {
            $dns = $false
        }
    }
    $tcp = $false
    if ($dns) {
        try {
            $test = Test-NetConnection -ComputerName $HostName -Port 135 -WarningAction SilentlyContinue
            $tcp = [bool]$test.TcpTestSucceeded
        }
        catch {
            $tcp = $false
        }
    }
    return [ordered]@{ host = ConvertTo-SafeText -Value $HostName; dns = $dns; tcp135 = $tcp }
}

function Get-LicensingEventCounts {
    $counts = [ordered]@{ '1069' = 0; '1128' = 0; '1130' = 0 }
    $filter = @{ LogName = $EventLogName; Id = 1069, 1128, 1130, 50280, 50282; StartTime = (Get-Date).AddDays(-30) }
    try {
        $events = @(Get-WinEvent -FilterHashtable $filter -ErrorAction Stop)
    }
    catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*' -or
            $_.Exception.Message -like 'No events were found that match the specified selection criteria*') {
            return $counts
        }
        Add-ProbeWarning -Source 'Event log' -ErrorRecord $_
        return $counts
    }
    foreach ($logEvent in $events) {
        switch ([int]$logEvent.Id) {
            1069 { $counts['1069']++ }
            { $_ -eq 1128 -or $_ -eq 50280 } { $counts['1128']++ }
            { $_ -eq 1130 -or $_ -eq 50282 } { $counts['1130']++ }
        }
    }
    return $counts
}

function Get-RdsLicensingState {
    $computer = Get-ComputerFacts
    $os = Get-OsFacts

    $installState = Get-RegistryDword -Path $ComponentKey -Name 'InstallState'
    $localMode = Get-RegistryDword -Path $RcmKey -Name 'LicensingMode'
    $policyMode = Get-RegistryDword -Path $PolicyKey -Name 'LicensingMode'
    $localServers = Get-RegistryList -Path $ServersKey -Name 'SpecifiedLicenseServers'
    $policyServers = Get-RegistryList -Path $PolicyKey -Name 'LicenseServers'

    $features = Get-FeatureStates
    $rdshFeature = $null
    $licensingRole = $null
    if ($null -ne $features) {
        if ($features.ContainsKey('RDS-RD-Server')) { $rdshFeature = $features['RDS-RD-Server'] }
        if ($features.ContainsKey('RDS-Licensing')) { $licensingRole = $features['RDS-Licensing'] }
    }
    $rdshInstalled = ($installState -eq 1) -or ($rdshFeature -eq 'Installed')

    $tsMode = $null
    $status = [ordered]@{ graceDays = $null; lsStatus = $null }
    $setting = Get-TerminalServiceSetting
    if ($null -ne $setting) {
        $tsMode = [int]$setting.TerminalServerMode
        if ($rdshInstalled) { $status = Get-LicensingStatus -Setting $setting }
    }

    $effective = $localServers
    if ($policyServers.Count -gt 0) { $effective = $policyServers }
    $reach = New-Object System.Collections.Generic.List[object]
    foreach ($server in (Select-FirstEntries -Entries $effective)) { $reach.Add((Test-LicenseServerReach -HostName $server)) }

    $events = Get-LicensingEventCounts

    return [ordered]@{
        schema        = 1
        computer      = $computer.computer
        os            = $os
        domain        = $computer.domain
        rdsh          = [ordered]@{ installState = $installState; feature = $rdshFeature }
        tsMode        = $tsMode
        mode          = [ordered]@{ local = $localMode; policy = $policyMode }
        servers       = [ordered]@{
            local     = [string[]](ConvertTo-SafeList -Entries $localServers)
            policy    = [string[]](ConvertTo-SafeList -Entries $policyServers)
            truncated = (Test-ListTruncated -Entries $localServers) -or (Test-ListTruncated -Entries $policyServers)
        }
        graceDays     = $status.graceDays
        lsStatus      = $status.lsStatus
        reach         = [object[]]$reach.ToArray()
        events        = $events
        licensingRole = $licensingRole
        warnings      = [string[]]$script:Warnings.ToArray()
    }
}

try {
    $state = Get-RdsLicensingState
    Write-Output ('AZRDSFIX probe ' + (ConvertTo-Json -InputObject $state -Compress -Depth 5))
    exit 0
}
catch {
    $message = ConvertTo-SafeText -Value $_.Exception.Message -MaxLength 300
    Write-Output ('AZRDSFIX error ' + (ConvertTo-Json -InputObject ([ordered]@{ message = $message }) -Compress))
    exit 1
}
