# Test code (not embedded, not sent to guests): turns a shared guest fixture (../Fixtures/*.json,
# docs/guest-contract.md) into Pester mocks of every guest-surface command, so the real scripts run off Windows.
# Dot-source it from a *.Tests.ps1 file; call Initialize-GuestStubs in BeforeAll and Register-GuestMocks in
# BeforeEach/It (mocks are scoped to the block that registers them).

$script:FixtureFolder = Join-Path (Split-Path -Parent $PSScriptRoot) 'Fixtures'
$script:ScriptFolder = $PSScriptRoot

function Initialize-GuestStubs {
    # The Windows-only commands do not exist on Linux/macOS pwsh; Mock needs a command to attach to.
    $stubs = @{
        'Get-CimInstance'          = 'param([string] $Namespace, [string] $ClassName, [string] $Filter)'
        'Invoke-CimMethod'         = 'param([object] $InputObject, [string] $ClassName, [string] $Namespace, [string] $MethodName, [System.Collections.IDictionary] $Arguments)'
        'Get-WindowsFeature'       = 'param([string[]] $Name)'
        'Uninstall-WindowsFeature' = 'param([string[]] $Name, [switch] $Restart, [switch] $IncludeManagementTools, [switch] $Remove)'
        'Resolve-DnsName'          = 'param([string] $Name, [string] $Type, [switch] $QuickTimeout, [switch] $DnsOnly)'
        'Test-NetConnection'       = 'param([string] $ComputerName, [int] $Port, [string] $InformationLevel)'
        'Get-WinEvent'             = 'param([hashtable[]] $FilterHashtable, [string] $LogName, [int64] $MaxEvents)'
        'Get-Service'              = 'param([string[]] $Name)'
        'Restart-Service'          = 'param([string[]] $Name, [switch] $Force)'
        # The scripts' own wrappers of the .NET calls the stand-in cannot make (GuestHelpers.Include.ps1).
        'Resolve-HostAddress'      = 'param([string] $HostName, [int] $TimeoutMilliseconds)'
        'Connect-TcpPort'          = 'param([System.Net.IPAddress] $Address, [int] $Port, [int] $TimeoutMilliseconds)'
        'Test-Is64BitProcess'      = 'param()'
        'Open-RegistryBaseKey64'   = 'param()'
    }
    foreach ($name in $stubs.Keys) {
        if (-not (Get-Command -Name $name -ErrorAction SilentlyContinue)) {
            $body = "[CmdletBinding()] $($stubs[$name]) throw '$name is a test stub: it must be mocked.'"
            Set-Item -Path "function:global:$name" -Value ([scriptblock]::Create($body))
        }
    }
}

function Read-ScriptLines {
    # A script file's lines with '\n' line ends, without the final line break (as GuestScripts.cs reads it).
    param([string] $Path)
    $text = ([System.IO.File]::ReadAllText($Path)) -replace "`r`n", "`n"
    if ($text.EndsWith("`n")) { $text = $text.Substring(0, $text.Length - 1) }
    return , ($text -split "`n")
}

function Get-ComposedScriptText {
    # What the guest receives (GuestScripts.Compose): each '#AZRDSFIX-INCLUDE name' line replaced by that file's text.
    param([string] $Name)
    $lines = New-Object System.Collections.Generic.List[string]
    foreach ($line in (Read-ScriptLines -Path (Join-Path $script:ScriptFolder $Name))) {
        if ($line.StartsWith('#AZRDSFIX-INCLUDE ')) {
            foreach ($included in (Read-ScriptLines -Path (Join-Path $script:ScriptFolder $line.Substring(18).Trim()))) { $lines.Add($included) }
        }
        else {
            $lines.Add($line)
        }
    }
    return ($lines -join "`n")
}

function Get-GuestScriptPath {
    # The composed script, written once per process to a temporary folder: tests run what the guest receives. .NET
    # calls, not cmdlets, so that the mocks of Test-Path/New-Item never see (or count) them.
    param([string] $Name)
    if ($null -eq (Get-Variable -Name AzrdsfixComposedFolder -Scope Global -ErrorAction Ignore)) {
        $global:AzrdsfixComposedFolder = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'azrdsfix-composed-' + [System.Guid]::NewGuid().ToString('n'))
    }
    $folder = $global:AzrdsfixComposedFolder
    $null = [System.IO.Directory]::CreateDirectory($folder)
    $path = [System.IO.Path]::Combine($folder, $Name)
    if (-not [System.IO.File]::Exists($path)) {
        [System.IO.File]::WriteAllText($path, (Get-ComposedScriptText -Name $Name) + "`r`n", [System.Text.UTF8Encoding]::new($false))
    }
    return $path
}

function Read-FixtureFile {
    param([string] $Name)
    $path = Join-Path $script:FixtureFolder "$Name.json"
    return Get-Content -Raw -Path $path | ConvertFrom-Json
}

function Get-FixtureNames {
    Get-ChildItem -Path $script:FixtureFolder -Filter '*.json' |
        Where-Object { $_.Name -ne 'remediate-cases.json' } |
        ForEach-Object { $_.BaseName } |
        Sort-Object
}

function Get-RemediateCases {
    return @(Get-Content -Raw -Path (Join-Path $script:FixtureFolder 'remediate-cases.json') | ConvertFrom-Json)
}

function ConvertTo-Map {
    # PSCustomObject from ConvertFrom-Json -> ordered, case-insensitive dictionary (registry paths and names are).
    param($Object)
    $map = [ordered]@{}
    if ($null -ne $Object) {
        foreach ($property in $Object.PSObject.Properties) { $map[$property.Name] = $property.Value }
    }
    return , $map
}

function New-FakeGuest {
    # A mutable guest: the fixture's guest section with the registry and features as dictionaries.
    param([string] $FixtureName)
    $fixture = Read-FixtureFile -Name $FixtureName
    $g = $fixture.guest
    $registry = [ordered]@{}
    foreach ($key in $g.registry.PSObject.Properties) {
        $values = [ordered]@{}
        foreach ($value in $key.Value.PSObject.Properties) {
            $data = $value.Value.value
            if ($value.Value.type -eq 'MultiString') { $data = [string[]]@($data) }
            $values[$value.Name] = [ordered]@{ type = [string]$value.Value.type; value = $data }
        }
        $registry[$key.Name] = $values
    }
    $features = $null
    if ($null -ne $g.features) { $features = ConvertTo-Map $g.features }
    # events: per channel, id -> count; a channel mapped to null does not exist (Get-WinEvent: no such log).
    $events = [ordered]@{}
    foreach ($channel in 'rcmAdmin', 'system') {
        $events[$channel] = [ordered]@{}
        $property = $g.events.PSObject.Properties[$channel]
        if ($null -ne $property) {
            if ($null -eq $property.Value) { $events[$channel] = $null } else { $events[$channel] = ConvertTo-Map $property.Value }
        }
    }
    $is64 = $true
    if ($null -ne $g.PSObject.Properties['is64BitProcess']) { $is64 = [bool]$g.is64BitProcess }
    $keyPacks = $null
    if ($null -ne $g.PSObject.Properties['licenseKeyPacks'] -and $null -ne $g.licenseKeyPacks) { $keyPacks = @($g.licenseKeyPacks) }
    $dnsTimeout = @()
    if ($null -ne $g.network.PSObject.Properties['dnsTimeout']) { $dnsTimeout = @($g.network.dnsTimeout) }
    return [pscustomobject]@{
        Fixture        = $fixture
        Guest          = $g
        Registry       = $registry
        Features       = $features
        Events         = $events
        Dns            = ConvertTo-Map $g.network.dns
        DnsTimeout     = $dnsTimeout
        Tcp135         = ConvertTo-Map $g.network.tcp135
        Is64BitProcess = $is64
        KeyPacks       = $keyPacks
    }
}

function global:Resolve-FakeRegistryPath {
    # What a path reaches in the fake registry. A 32-bit host on 64-bit Windows sees HKLM:\SOFTWARE through WOW64
    # redirection (WOW6432Node); HKLM:\SOFTWARE\Policies is treated as shared (Learn: "Registry Keys Affected by WOW64";
    # the scripts do not rely on it).
    param([string] $Path)
    if ($global:AzrdsfixFakeGuest.Is64BitProcess) { return $Path }
    if ($Path -like 'HKLM:\SOFTWARE\*' -and $Path -notlike 'HKLM:\SOFTWARE\Policies*' -and $Path -notlike 'HKLM:\SOFTWARE\WOW6432Node*') {
        return 'HKLM:\SOFTWARE\WOW6432Node\' + $Path.Substring('HKLM:\SOFTWARE\'.Length)
    }
    return $Path
}

function global:ConvertTo-FakeRegistryData {
    # A fake value as Windows reads it back: a DWORD is an Int32 (signed), a MULTI_SZ a String[].
    param($Entry)
    $data = $Entry.value
    if ($Entry.type -eq 'DWord') { $data = [System.BitConverter]::ToInt32([System.BitConverter]::GetBytes([uint32]([int64]$data -band 0xFFFFFFFF)), 0) }
    return , $data
}

function global:New-FakeRegistryKey {
    # A Microsoft.Win32.RegistryKey stand-in over one fake key (the 64-bit view: no redirection).
    param([string] $Path)
    $key = [pscustomobject]@{ Path = $Path }
    $key | Add-Member -MemberType ScriptMethod -Name GetValueNames -Value { [string[]]@($global:AzrdsfixFakeGuest.Registry[$this.Path].Keys) }
    $key | Add-Member -MemberType ScriptMethod -Name GetValue -Value {
        param($Name, $Default, $Options)
        if (-not $global:AzrdsfixFakeGuest.Registry[$this.Path].Contains([string]$Name)) { return $Default }
        return , (ConvertTo-FakeRegistryData -Entry $global:AzrdsfixFakeGuest.Registry[$this.Path][[string]$Name])
    }
    $key | Add-Member -MemberType ScriptMethod -Name SetValue -Value {
        param($Name, $Value, $Kind)
        $global:AzrdsfixRegistry64Writes++
        Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path $this.Path -Name ([string]$Name) -Type ([string]$Kind) -Value $Value
    }
    $key | Add-Member -MemberType ScriptMethod -Name DeleteValue -Value {
        param($Name)
        $global:AzrdsfixRegistry64Writes++
        if (-not $global:AzrdsfixFakeGuest.Registry[$this.Path].Contains([string]$Name)) { throw [System.ArgumentException]::new('No value exists with that name.') }
        $global:AzrdsfixFakeGuest.Registry[$this.Path].Remove([string]$Name)
    }
    $key | Add-Member -MemberType ScriptMethod -Name Close -Value { }
    return $key
}

function global:New-FakeRegistryBaseKey {
    # [Microsoft.Win32.RegistryKey]::OpenBaseKey(LocalMachine, Registry64) over the fake registry.
    $base = [pscustomobject]@{ Name = 'HKEY_LOCAL_MACHINE' }
    $base | Add-Member -MemberType ScriptMethod -Name OpenSubKey -Value {
        param($SubKey, $Writable)
        $path = 'HKLM:\' + [string]$SubKey
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($path)) { return $null }
        return New-FakeRegistryKey -Path $path
    }
    $base | Add-Member -MemberType ScriptMethod -Name CreateSubKey -Value {
        param($SubKey)
        $path = 'HKLM:\' + [string]$SubKey
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($path)) { $global:AzrdsfixFakeGuest.Registry[$path] = [ordered]@{} }
        return New-FakeRegistryKey -Path $path
    }
    $base | Add-Member -MemberType ScriptMethod -Name Close -Value { }
    return $base
}

function global:New-InvalidClassError {
    # Get-CimInstance of a class that does not exist: WBEM_E_INVALID_CLASS (0x80041010) in the error id, as
    # Microsoft.Management.Infrastructure reports it; the message is localized on a real guest.
    return [System.Management.Automation.ErrorRecord]::new([System.Exception]::new('Invalid class '),
        'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand', [System.Management.Automation.ErrorCategory]::MetadataError, $null)
}

function global:Set-FakeRegistryValue {
    param($Guest, [string] $Path, [string] $Name, [string] $Type, $Value)
    if (-not $Guest.Registry.Contains($Path)) { $Guest.Registry[$Path] = [ordered]@{} }
    if ($Type -eq 'MultiString') { $Value = [string[]]@($Value) } elseif ($Type -eq 'DWord') { $Value = [int64]$Value } else { $Value = [string]$Value }
    $Guest.Registry[$Path][$Name] = [ordered]@{ type = $Type; value = $Value }
}

function ConvertTo-MethodResult {
    # A fixture's method result ({"ReturnValue":0,"DaysLeft":5}) as Invoke-CimMethod returns it: uint32 properties.
    param($Shape)
    $result = [ordered]@{}
    foreach ($property in $Shape.PSObject.Properties) {
        if ($null -eq $property.Value) { $result[$property.Name] = $null } else { $result[$property.Name] = [uint32]$property.Value }
    }
    return [pscustomobject]$result
}

function Select-ServerStatus {
    # The fixture's GetTStoLSConnectivityStatus answer for one server name (case-insensitive), else its "*" entry.
    param($Map, [string] $Server)
    foreach ($property in $Map.PSObject.Properties) {
        if ($property.Name -ne '*' -and [string]::Equals($property.Name, $Server, [System.StringComparison]::OrdinalIgnoreCase)) { return $property.Value }
    }
    return $Map.'*'
}

function Register-GuestMocks {
    # Mocks every guest-surface command against $Guest (from New-FakeGuest). Call inside BeforeEach or It.
    param($Guest)
    $global:AzrdsfixFakeGuest = $Guest

    $global:AzrdsfixRegistry64Writes = 0

    Mock Test-Is64BitProcess { $global:AzrdsfixFakeGuest.Is64BitProcess }
    Mock Open-RegistryBaseKey64 { New-FakeRegistryBaseKey }
    Mock Test-Path { $global:AzrdsfixFakeGuest.Registry.Contains((Resolve-FakeRegistryPath -Path ([string]$Path))) }
    Mock Get-ItemProperty {
        $key = Resolve-FakeRegistryPath -Path ([string]$Path)
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($key)) {
            throw [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$key' because it does not exist.")
        }
        $item = [ordered]@{}
        foreach ($entry in $global:AzrdsfixFakeGuest.Registry[$key].GetEnumerator()) {
            $item[$entry.Key] = ConvertTo-FakeRegistryData -Entry $entry.Value
        }
        [pscustomobject]$item
    }
    Mock New-Item {
        $key = Resolve-FakeRegistryPath -Path ([string]$Path)
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($key)) { $global:AzrdsfixFakeGuest.Registry[$key] = [ordered]@{} }
        [pscustomobject]@{ PSPath = $key }
    }
    Mock New-ItemProperty {
        $key = Resolve-FakeRegistryPath -Path ([string]$Path)
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($key)) {
            throw [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$key' because it does not exist.")
        }
        Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path $key -Name $Name -Type ([string]$PropertyType) -Value $Value
        [pscustomobject]@{ $Name = $Value }
    }
    Mock Set-ItemProperty {
        $key = Resolve-FakeRegistryPath -Path ([string]$Path)
        $type = 'String'
        if ($global:AzrdsfixFakeGuest.Registry.Contains($key) -and $global:AzrdsfixFakeGuest.Registry[$key].Contains($Name)) { $type = $global:AzrdsfixFakeGuest.Registry[$key][$Name].type }
        Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path $key -Name $Name -Type $type -Value $Value
    }
    Mock Remove-ItemProperty {
        $key = Resolve-FakeRegistryPath -Path ([string]$Path)
        $valueName = [string]$Name
        if (-not ($global:AzrdsfixFakeGuest.Registry.Contains($key) -and $global:AzrdsfixFakeGuest.Registry[$key].Contains($valueName))) {
            throw [System.Management.Automation.PSArgumentException]::new("Property $valueName does not exist at path $key.")
        }
        $global:AzrdsfixFakeGuest.Registry[$key].Remove($valueName)
    }

    Mock Get-CimInstance {
        $g = $global:AzrdsfixFakeGuest.Guest
        switch ($ClassName) {
            'Win32_ComputerSystem' { [pscustomobject]@{ Name = $g.computerName; PartOfDomain = $g.domain.joined; Domain = $g.domain.name } }
            'Win32_OperatingSystem' { [pscustomobject]@{ Caption = $g.os.caption; Version = $g.os.version; BuildNumber = $g.os.build } }
            'Win32_TerminalServiceSetting' {
                if ($null -eq $g.terminalServiceSetting) { throw (New-InvalidClassError) }
                [pscustomobject]@{ CimClass = 'Win32_TerminalServiceSetting'; TerminalServerMode = $g.terminalServiceSetting.terminalServerMode }
            }
            'Win32_TSLicenseKeyPack' {
                # root\cimv2, present only with the RD Licensing role (Learn: "Win32_TSLicenseKeyPack class"): uint32 properties.
                if ($null -eq $global:AzrdsfixFakeGuest.KeyPacks) { throw (New-InvalidClassError) }
                foreach ($pack in $global:AzrdsfixFakeGuest.KeyPacks) { ConvertTo-MethodResult -Shape $pack }
            }
            default { throw (New-InvalidClassError) }
        }
    }
    Mock Invoke-CimMethod {
        $tss = $global:AzrdsfixFakeGuest.Guest.terminalServiceSetting
        switch ($MethodName) {
            'GetGracePeriodDays' { ConvertTo-MethodResult -Shape $tss.getGracePeriodDays }
            'GetTStoLSConnectivityStatus' {
                # [in] string ServerName is required (Learn): without it the call is refused, as WMI refuses it.
                if ($null -eq $Arguments -or -not $Arguments.Contains('ServerName') -or [string]::IsNullOrEmpty([string]$Arguments['ServerName'])) {
                    throw [Microsoft.PowerShell.Commands.WriteErrorException]::new('Invalid parameter ')
                }
                ConvertTo-MethodResult -Shape (Select-ServerStatus -Map $tss.getTStoLSConnectivityStatus -Server ([string]$Arguments['ServerName']))
            }
            'ChangeMode' {
                Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core' -Name 'LicensingMode' -Type 'DWord' -Value $Arguments['LicensingType']
                [pscustomobject]@{ ReturnValue = [uint32]0 }
            }
            'SetSpecifiedLicenseServerList' {
                Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers' -Name 'SpecifiedLicenseServers' -Type 'MultiString' -Value $Arguments['SpecifiedLSList']
                [pscustomobject]@{ ReturnValue = [uint32]0 }
            }
            default { throw "Method $MethodName is not simulated." }
        }
    }

    Mock Get-WindowsFeature {
        if ($null -eq $global:AzrdsfixFakeGuest.Features) {
            throw [System.Management.Automation.CommandNotFoundException]::new("The term 'Get-WindowsFeature' is not recognized as a name of a cmdlet, function, script file, or executable program.")
        }
        foreach ($featureName in $Name) {
            if ($global:AzrdsfixFakeGuest.Features.Contains($featureName)) {
                [pscustomobject]@{ Name = $featureName; InstallState = $global:AzrdsfixFakeGuest.Features[$featureName] }
            }
        }
    }
    Mock Uninstall-WindowsFeature {
        foreach ($featureName in $Name) {
            $global:AzrdsfixFakeGuest.Features[$featureName] = 'Available'
            $cache = "HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\$featureName"
            if ($global:AzrdsfixFakeGuest.Registry.Contains($cache) -and $global:AzrdsfixFakeGuest.Registry[$cache].Contains('InstallState')) {
                Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path $cache -Name 'InstallState' -Type 'DWord' -Value 0
            }
        }
        [pscustomobject]@{ Success = $true; RestartNeeded = 'Yes'; ExitCode = 'SuccessRestartRequired' }
    }

    Mock Resolve-DnsName { throw 'Resolve-DnsName is not used by these scripts (Resolve-HostAddress is).' }
    Mock Test-NetConnection { throw 'Test-NetConnection is not used by these scripts (Connect-TcpPort is).' }
    Mock Resolve-HostAddress {
        # network.dns: name -> addresses (case-insensitive); network.dnsTimeout: names whose lookup does not answer in time.
        foreach ($slow in $global:AzrdsfixFakeGuest.DnsTimeout) { if ([string]::Equals($slow, $HostName, [System.StringComparison]::OrdinalIgnoreCase)) { return $null } }
        foreach ($entry in $global:AzrdsfixFakeGuest.Dns.GetEnumerator()) {
            if ([string]::Equals($entry.Key, $HostName, [System.StringComparison]::OrdinalIgnoreCase)) {
                return , [System.Net.IPAddress[]]@($entry.Value | ForEach-Object { [System.Net.IPAddress]::Parse([string]$_) })
            }
        }
        throw [System.Net.Sockets.SocketException]::new(11001)
    }
    Mock Connect-TcpPort {
        # network.tcp135: address -> open | timeout; any other address refuses the connection.
        $state = 'closed'
        if ($Port -eq 135 -and $global:AzrdsfixFakeGuest.Tcp135.Contains([string]$Address)) { $state = [string]$global:AzrdsfixFakeGuest.Tcp135[[string]$Address] }
        $state
    }
    Mock Get-WinEvent {
        $filter = $FilterHashtable[0]
        $logName = [string]$filter['LogName']
        $channel = 'none'
        $provider = ''
        if ($logName -eq 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin') { $channel = 'rcmAdmin'; $provider = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager' }
        if ($logName -eq 'System') { $channel = 'system'; $provider = 'Microsoft-Windows-TerminalServices-Licensing' }
        if ($channel -eq 'none' -or $null -eq $global:AzrdsfixFakeGuest.Events[$channel]) {
            throw [System.Management.Automation.ErrorRecord]::new([System.Exception]::new("There is not an event log on the localhost computer that matches `"$logName`"."),
                'NoMatchingLogsFound,Microsoft.PowerShell.Commands.GetWinEventCommand', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $logName)
        }
        $found = New-Object System.Collections.Generic.List[object]
        foreach ($id in @($filter['Id'])) {
            $count = 0
            if ($global:AzrdsfixFakeGuest.Events[$channel].Contains([string]$id)) { $count = [int]$global:AzrdsfixFakeGuest.Events[$channel][[string]$id] }
            for ($i = 0; $i -lt $count -and ($MaxEvents -le 0 -or $found.Count -lt $MaxEvents); $i++) {
                $found.Add([pscustomobject]@{ Id = [int]$id; LogName = $logName; ProviderName = $provider })
            }
        }
        if ($found.Count -eq 0) {
            throw [System.Management.Automation.ErrorRecord]::new([System.Exception]::new('No events were found that match the specified selection criteria.'),
                'NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $null)
        }
        $found.ToArray()
    }
    Mock Get-Service { throw 'Get-Service is not used by these scripts.' }
    Mock Restart-Service { throw 'Restart-Service is not used by these scripts.' }
}

function ConvertTo-HexParameter {
    # A parameter value as the tool sends it (docs/guest-contract.md "Parameters"): lower-case hex of its UTF-8 bytes.
    param([AllowEmptyString()] [string] $Value)
    return (([System.Text.Encoding]::UTF8.GetBytes($Value) | ForEach-Object { $_.ToString('x2') }) -join '')
}

function ConvertTo-EncodedParameters {
    param([System.Collections.IDictionary] $Parameters)
    $encoded = @{}
    foreach ($key in $Parameters.Keys) { $encoded[$key] = ConvertTo-HexParameter -Value ([string]$Parameters[$key]) }
    return $encoded
}

function Invoke-GuestScript {
    # Runs a real script with the mocks in place; returns its stdout lines and exit code. Parameter values are given
    # plain and sent hex-encoded, as the tool sends them; -Raw sends them as given.
    param([string] $Name, [hashtable] $Parameters = @{}, [switch] $Raw)
    $global:LASTEXITCODE = 0
    if (-not $Raw) { $Parameters = ConvertTo-EncodedParameters -Parameters $Parameters }
    $lines = @(& (Get-GuestScriptPath -Name $Name) @Parameters 6>$null 3>$null)
    return [pscustomobject]@{ Lines = [string[]]@($lines | ForEach-Object { [string]$_ }); ExitCode = $global:LASTEXITCODE }
}

function Split-OutputLine {
    # 'AZRDSFIX <kind> {json}' -> kind, raw JSON, parsed object.
    param([string] $Line)
    if ($Line -notmatch '\AAZRDSFIX (\w+) (\{.*\})\z') { throw "Not an AZRDSFIX line: $Line" }
    return [pscustomobject]@{ Kind = $Matches[1]; Json = $Matches[2]; Value = ($Matches[2] | ConvertFrom-Json) }
}

function ConvertTo-OrderedJson {
    # Compact JSON that keeps key order: equal strings = equal objects with the same key order.
    param($Value)
    return ConvertTo-Json -InputObject $Value -Depth 20 -Compress
}

function ConvertTo-CanonicalJson {
    # Compact JSON with object keys sorted at every level: equal strings = equal objects.
    param($Value)
    return ConvertTo-Json -InputObject (ConvertTo-SortedValue -Value $Value) -Depth 20 -Compress
}

function ConvertTo-SortedValue {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string] -or $Value -is [ValueType]) { return $Value }
    if ($Value -is [System.Collections.IDictionary]) {
        $sorted = [ordered]@{}
        foreach ($key in ($Value.Keys | Sort-Object)) { $sorted[[string]$key] = ConvertTo-SortedValue -Value $Value[$key] }
        return $sorted
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $items = New-Object System.Collections.Generic.List[object]
        foreach ($item in $Value) { $items.Add((ConvertTo-SortedValue -Value $item)) }
        return , $items.ToArray()
    }
    $map = [ordered]@{}
    foreach ($property in ($Value.PSObject.Properties | Sort-Object Name)) { $map[$property.Name] = ConvertTo-SortedValue -Value $property.Value }
    return $map
}
