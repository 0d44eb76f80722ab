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
    return [pscustomobject]@{
        Fixture  = $fixture
        Guest    = $g
        Registry = $registry
        Features = $features
        Events   = ConvertTo-Map $g.events
        Dns      = @($g.network.dns)
        Tcp135   = @($g.network.tcp135)
    }
}

function Set-FakeRegistryValue {
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

    Mock Test-Path { $global:AzrdsfixFakeGuest.Registry.Contains([string]$Path) }
    Mock Get-ItemProperty {
        $key = [string]$Path
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($key)) {
            throw [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$key' because it does not exist.")
        }
        $item = [ordered]@{}
        foreach ($entry in $global:AzrdsfixFakeGuest.Registry[$key].GetEnumerator()) { $item[$entry.Key] = $entry.Value.value }
        [pscustomobject]$item
    }
    Mock New-Item {
        $key = [string]$Path
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($key)) { $global:AzrdsfixFakeGuest.Registry[$key] = [ordered]@{} }
        [pscustomobject]@{ PSPath = $key }
    }
    Mock New-ItemProperty {
        $key = [string]$Path
        if (-not $global:AzrdsfixFakeGuest.Registry.Contains($key)) {
            throw [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$key' because it does not exist.")
        }
        Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path $key -Name $Name -Type ([string]$PropertyType) -Value $Value
        [pscustomobject]@{ $Name = $Value }
    }
    Mock Set-ItemProperty {
        $key = [string]$Path
        $type = 'String'
        if ($global:AzrdsfixFakeGuest.Registry.Contains($key) -and $global:AzrdsfixFakeGuest.Registry[$key].Contains($Name)) { $type = $global:AzrdsfixFakeGuest.Registry[$key][$Name].type }
        Set-FakeRegistryValue -Guest $global:AzrdsfixFakeGuest -Path $key -Name $Name -Type $type -Value $Value
    }
    Mock Remove-ItemProperty {
        $key = [string]$Path
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
                if ($null -eq $g.terminalServiceSetting) { throw [Microsoft.PowerShell.Commands.WriteErrorException]::new('Invalid class ') }
                [pscustomobject]@{ CimClass = 'Win32_TerminalServiceSetting'; TerminalServerMode = $g.terminalServiceSetting.terminalServerMode }
            }
            default { throw [Microsoft.PowerShell.Commands.WriteErrorException]::new('Invalid class ') }
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

    Mock Resolve-DnsName {
        if ($global:AzrdsfixFakeGuest.Dns -contains $Name) { return [pscustomobject]@{ Name = $Name; Type = 'A'; IPAddress = '10.0.0.4' } }
        throw [System.ComponentModel.Win32Exception]::new(9003, "$Name : DNS name does not exist")
    }
    Mock Test-NetConnection {
        [pscustomobject]@{ ComputerName = $ComputerName; RemotePort = $Port; TcpTestSucceeded = ($global:AzrdsfixFakeGuest.Tcp135 -contains $ComputerName) }
    }
    Mock Get-WinEvent {
        $found = New-Object System.Collections.Generic.List[object]
        foreach ($id in @($FilterHashtable[0]['Id'])) {
            $count = 0
            if ($global:AzrdsfixFakeGuest.Events.Contains([string]$id)) { $count = [int]$global:AzrdsfixFakeGuest.Events[[string]$id] }
            for ($i = 0; $i -lt $count; $i++) { $found.Add([pscustomobject]@{ Id = [int]$id; LogName = $FilterHashtable[0]['LogName'] }) }
        }
        if ($found.Count -eq 0) { throw 'No events were found that match the specified selection criteria.' }
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
