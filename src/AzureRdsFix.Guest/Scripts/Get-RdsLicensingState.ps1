# AZRDSFIX-SCRIPT Get-RdsLicensingState v1
# Read-only probe of Remote Desktop Session Host licensing. Prints exactly one line:
#   AZRDSFIX probe {compact JSON}    (docs/guest-contract.md)
# Windows PowerShell 5.1 syntax only; touches Windows only through the guest surface (DESIGN.md).
[CmdletBinding()]
param(
    # DNS lookup and TCP 135 connect each wait at most this long per license server; the tool sends no value.
    [ValidateRange(500, 10000)] [int] $ReachTimeoutMilliseconds = 3000
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

#AZRDSFIX-INCLUDE GuestHelpers.Include.ps1

$ComponentKey = "$ComponentCacheKey\RDS-RD-Server"
$MaxText = 100
$MaxWarningText = 90
$MaxErrorId = 60
$MaxListEntries = 4
$MaxWarnings = 5
$EventDays = 30
$MaxEventsPerLog = 500
# Only event ids with a Microsoft source are counted (docs/guest-contract.md, "events"):
# 1069 EVENT_LICENSING_MODE_NOT_CONFIGURED_PAST_GRACE_PERIOD, RemoteConnectionManager Admin log (Learn: "Event ID 1069 -
# Remote Desktop Services Client Access License (RDS CAL) Availability", docs.microsoft.com/en-us/previous-versions/
# windows/it-pro/windows-server-2008-R2-and-2008/ee891144(v=ws.10)). 1128, 1130, 50280 and 50282 are not counted: no
# Microsoft source for them was found.
$RcmAdminLog = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin'
$RcmAdminIds = @(1069)
# 4105, System log, source Microsoft-Windows-TerminalServices-Licensing: the RD license server cannot update a user's
# license attributes in Active Directory (Microsoft Support KB 2030310, "Event ID 4105": Log Name System, Source
# Microsoft-Windows-TerminalServices-Licensing; support.microsoft.com/kb/2030310).
$LicensingProvider = 'Microsoft-Windows-TerminalServices-Licensing'
$SystemIds = @(4105)

$script:Warnings = New-Object System.Collections.Generic.List[object]

function Add-ProbeWarningText {
    # {message, errorId}: the message may be localized, the id is not (an error id and HResult, or a fixed id).
    param([string] $Text, [string] $ErrorId)
    if ($script:Warnings.Count -ge $MaxWarnings) { return }
    $script:Warnings.Add([ordered]@{ message = (ConvertTo-SafeText -Value $Text -MaxLength $MaxWarningText); errorId = (ConvertTo-SafeText -Value $ErrorId -MaxLength $MaxErrorId) })
}

function Add-ProbeWarning {
    # The id is Get-ErrorId's without the command name after a comma (the source names it): five warnings must fit
    # the output budget. 'NoMatchingLogsFound,Microsoft...GetWinEventCommand 0x80131500' -> 'NoMatchingLogsFound 0x80131500'.
    param([string] $Source, [System.Management.Automation.ErrorRecord] $ErrorRecord)
    $id = (Get-ErrorId -ErrorRecord $ErrorRecord) -replace ',[^ ]*', ''
    Add-ProbeWarningText -Text "$Source could not be read: $($ErrorRecord.Exception.Message)" -ErrorId $id
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
        Add-ProbeWarningText -Text 'Get-WindowsFeature is not available; role states are unknown.' -ErrorId (Get-ErrorId -ErrorRecord $_)
        return $null
    }
    catch {
        Add-ProbeWarning -Source 'Get-WindowsFeature' -ErrorRecord $_
        return $null
    }
}

function Get-MethodOutput {
    # An out parameter of a CIM method result, or $null unless ReturnValue is present and 0 (Learn: the
    # Win32_TerminalServiceSetting methods return 0 on success, else a WMI error code, and then the out value means nothing).
    param($Result, [string] $Method, [string] $Output)
    if ($null -eq $Result) { Add-ProbeWarningText -Text "$Method returned nothing." -ErrorId "$Method,NoResult"; return $null }
    $returnValue = $Result.PSObject.Properties['ReturnValue']
    if ($null -eq $returnValue -or $null -eq $returnValue.Value) { Add-ProbeWarningText -Text "$Method returned no ReturnValue." -ErrorId "$Method,NoReturnValue"; return $null }
    if ([int64]$returnValue.Value -ne 0) {
        Add-ProbeWarningText -Text ("$Method returned {0}." -f [int64]$returnValue.Value) -ErrorId ("$Method,ReturnValue={0}" -f [int64]$returnValue.Value)
        return $null
    }
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

function Get-EventCounts {
    # Events per id in one log over the last $EventDays days, at most $MaxEventsPerLog read (a bound on time and memory:
    # a count at the cap means "at least"). "No events" is zero; any other failure (the log does not exist, access
    # denied...) is unknown: $null and a warning, never zero. -ProviderName keeps only that provider's events.
    param([string] $LogName, [string] $Label, [int[]] $Ids, [string] $ProviderName = '')
    $counts = [ordered]@{}
    foreach ($id in $Ids) { $counts[[string]$id] = 0 }
    $filter = @{ LogName = $LogName; Id = $Ids; StartTime = (Get-Date).AddDays(-$EventDays) }
    try {
        $events = @(Get-WinEvent -FilterHashtable $filter -MaxEvents $MaxEventsPerLog -ErrorAction Stop)
    }
    catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*' -or
            $_.Exception.Message -like 'No events were found that match the specified selection criteria*') {
            return $counts
        }
        Add-ProbeWarning -Source $Label -ErrorRecord $_
        return $null
    }
    foreach ($logEvent in $events) {
        if ($ProviderName -ne '' -and [string]$logEvent.ProviderName -ne $ProviderName) { continue }
        $key = [string][int]$logEvent.Id
        if ($counts.Contains($key)) { $counts[$key]++ }
    }
    return $counts
}

function Get-LicensingEvents {
    # Each counted event under the channel it came from; a channel that could not be read is null (unknown).
    return [ordered]@{
        days     = $EventDays
        rcmAdmin = Get-EventCounts -LogName $RcmAdminLog -Label 'RemoteConnectionManager Admin log' -Ids $RcmAdminIds
        system   = Get-EventCounts -LogName 'System' -Label 'System log' -Ids $SystemIds -ProviderName $LicensingProvider
    }
}

function Get-KeyPackCount {
    # Only where the RD Licensing role is installed (the class comes with it): $null elsewhere or when unreadable.
    param([AllowNull()] [string] $LicensingRole)
    if ($LicensingRole -ne 'Installed') { return $null }
    try {
        return Get-LicensedKeyPackCount
    }
    catch {
        Add-ProbeWarning -Source 'Win32_TSLicenseKeyPack' -ErrorRecord $_
        return $null
    }
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
        $test = Test-LicenseServerReach -HostName $server -TimeoutMilliseconds $ReachTimeoutMilliseconds
        $lsStatus = $null
        if ($askStatus) { $lsStatus = Get-ServerStatus -Setting $setting -Server $server }
        $reach.Add([ordered]@{
                host      = ConvertTo-SafeText -Value $server -MaxLength $MaxText
                dns       = $test.dns
                address   = $test.address
                tcp135    = $test.tcp135
                lsStatus  = $lsStatus
            })
    }

    $events = Get-LicensingEvents
    $keyPacks = Get-KeyPackCount -LicensingRole $licensingRole

    return [ordered]@{
        schema        = 1
        computer      = $computer.computer
        os            = $os
        domain        = $computer.domain
        is64BitProcess = -not $script:Registry64View
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
        keyPacks      = $keyPacks
        warnings      = [object[]]$script:Warnings.ToArray()
    }
}

try {
    $state = Get-RdsLicensingState
    Write-Output ('AZRDSFIX probe ' + (ConvertTo-Json -InputObject $state -Compress -Depth 5))
    exit 0
}
catch {
    Write-ErrorLine -Message (ConvertTo-SafeText -Value $_.Exception.Message -MaxLength 300) -ErrorId (Get-ErrorId -ErrorRecord $_)
    exit 1
}
