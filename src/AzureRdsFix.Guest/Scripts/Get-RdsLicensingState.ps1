# AZRDSFIX-SCRIPT Get-RdsLicensingState v1
# Read-only probe of Remote Desktop Session Host licensing. Prints exactly one line:
#   AZRDSFIX probe {compact JSON}    (docs/guest-contract.md)
# Windows PowerShell 5.1 syntax only; touches Windows only through the guest surface (DESIGN.md).
[CmdletBinding()]
param()

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

#AZRDSFIX-INCLUDE GuestHelpers.Include.ps1

$ComponentKey = "$ComponentCacheKey\RDS-RD-Server"
$EventLogName = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin'
$MaxText = 100
$MaxListEntries = 4
$MaxWarnings = 5

$script:Warnings = New-Object System.Collections.Generic.List[string]

function Add-ProbeWarning {
    param([string] $Source, [System.Management.Automation.ErrorRecord] $ErrorRecord)
    if ($script:Warnings.Count -ge $MaxWarnings) { return }
    $message = "$Source could not be read: $($ErrorRecord.Exception.Message)"
    $script:Warnings.Add((ConvertTo-SafeText -Value $message -MaxLength $MaxText))
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
    # Get-RegistryEntries, with a read failure as a warning and no entries.
    param([string] $Path, [string] $Name)
    try {
        return , (Get-RegistryEntries -Path $Path -Name $Name)
    }
    catch {
        Add-ProbeWarning -Source "Registry value $Name" -ErrorRecord $_
        return , ([string[]]@())
    }
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
    foreach ($entry in (Select-FirstEntries -Entries $Entries)) { $safe.Add((ConvertTo-SafeText -Value $entry -MaxLength $MaxText)) }
    return , $safe.ToArray()
}

function Get-ComputerFacts {
    try {
        $system = Get-CimInstance -ClassName Win32_ComputerSystem
        return [ordered]@{
            computer = ConvertTo-SafeText -Value $system.Name -MaxLength $MaxText
            domain   = [ordered]@{ joined = [bool]$system.PartOfDomain; name = ConvertTo-SafeText -Value $system.Domain -MaxLength $MaxText }
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
            caption = ConvertTo-SafeText -Value $os.Caption -MaxLength $MaxText
            version = ConvertTo-SafeText -Value $os.Version -MaxLength $MaxText
            build   = ConvertTo-SafeText -Value $os.BuildNumber -MaxLength $MaxText
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
            if ($null -ne $feature) { $states[[string]$feature.Name] = ConvertTo-SafeText -Value ([string]$feature.InstallState) -MaxLength $MaxText }
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

function Add-ProbeWarningText {
    param([string] $Text)
    if ($script:Warnings.Count -ge $MaxWarnings) { return }
    $script:Warnings.Add((ConvertTo-SafeText -Value $Text -MaxLength $MaxText))
}

function Get-MethodOutput {
    # An out parameter of a CIM method result, or $null unless ReturnValue is present and 0 (Learn: the
    # Win32_TerminalServiceSetting methods return 0 on success, else a WMI error code, and then the out value means nothing).
    param($Result, [string] $Method, [string] $Output)
    if ($null -eq $Result) { Add-ProbeWarningText -Text "$Method returned nothing."; return $null }
    $returnValue = $Result.PSObject.Properties['ReturnValue']
    if ($null -eq $returnValue -or $null -eq $returnValue.Value) { Add-ProbeWarningText -Text "$Method returned no ReturnValue."; return $null }
    if ([int64]$returnValue.Value -ne 0) { Add-ProbeWarningText -Text ("$Method returned {0}." -f [int64]$returnValue.Value); return $null }
    $property = $Result.PSObject.Properties[$Output]
    if ($null -eq $property -or $null -eq $property.Value) { return $null }
    return [int64]$property.Value
}

function Get-GraceDays {
    # GetGracePeriodDays([out] uint32 DaysLeft): unknown ($null), never 0, unless the call succeeded with a value.
    param($Setting)
    try {
        $result = Invoke-CimMethod -InputObject $Setting -MethodName GetGracePeriodDays
    }
    catch {
        Add-ProbeWarning -Source 'GetGracePeriodDays' -ErrorRecord $_
        return $null
    }
    $days = Get-MethodOutput -Result $result -Method 'GetGracePeriodDays' -Output 'DaysLeft'
    if ($null -eq $days) { return $null }
    return [int]$days
}

function Get-ServerStatus {
    # GetTStoLSConnectivityStatus([in] string ServerName, [out] uint32 TStoLSConnectivityStatus) for one license server
    # (Learn: "GetTStoLSConnectivityStatus method of the Win32_TerminalServiceSetting class"); $null when unknown.
    param($Setting, [string] $Server)
    try {
        $result = Invoke-CimMethod -InputObject $Setting -MethodName GetTStoLSConnectivityStatus -Arguments @{ ServerName = $Server }
    }
    catch {
        Add-ProbeWarning -Source 'GetTStoLSConnectivityStatus' -ErrorRecord $_
        return $null
    }
    $status = Get-MethodOutput -Result $result -Method 'GetTStoLSConnectivityStatus' -Output 'TStoLSConnectivityStatus'
    if ($null -eq $status) { return $null }
    return [int]$status
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

    $tsMode = $null
    $script:SettingError = $null
    $setting = Get-TerminalServiceSetting
    if ($null -ne $script:SettingError) { Add-ProbeWarning -Source 'Win32_TerminalServiceSetting' -ErrorRecord $script:SettingError }
    if ($null -ne $setting -and $null -ne $setting.PSObject.Properties['TerminalServerMode'] -and $null -ne $setting.TerminalServerMode) {
        $tsMode = [int]$setting.TerminalServerMode
    }
    # TerminalServerMode 1 (AppServer) is an RDSH host even when a busy servicing stack hides the role from the component
    # cache and Get-WindowsFeature (reference/azure-and-windows-facts.md: 1 = AppServer, 0 = RemoteAdmin).
    $rdshInstalled = ($installState -eq 1) -or ($rdshFeature -eq 'Installed') -or ($tsMode -eq 1)

    $graceDays = $null
    $askStatus = $rdshInstalled -and ($null -ne $setting)
    if ($askStatus) { $graceDays = Get-GraceDays -Setting $setting }

    $effective = $localServers
    if ($policyServers.Count -gt 0) { $effective = $policyServers }
    $reach = New-Object System.Collections.Generic.List[object]
    foreach ($server in (Select-FirstEntries -Entries $effective)) {
        $test = Test-LicenseServerReach -HostName $server
        $lsStatus = $null
        if ($askStatus) { $lsStatus = Get-ServerStatus -Setting $setting -Server $server }
        $reach.Add([ordered]@{ host = ConvertTo-SafeText -Value $server -MaxLength $MaxText; dns = $test.dns; tcp135 = $test.tcp135; lsStatus = $lsStatus })
    }

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
        graceDays     = $graceDays
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
    Write-ErrorLine -Message (ConvertTo-SafeText -Value $_.Exception.Message -MaxLength 300)
    exit 1
}
