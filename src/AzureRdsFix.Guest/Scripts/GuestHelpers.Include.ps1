# --- AZRDSFIX shared helpers (GuestHelpers.Include.ps1), composed into each script at send time -----------------
# One copy for both scripts (DESIGN.md "In-guest scripts"): GuestScripts.cs replaces the '#AZRDSFIX-INCLUDE' line of a
# script with this file's text; Pester and the guards run on the composed text, which is what the guest receives.

$RcmKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core'
$ServersKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'
$PolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$ComponentCacheKey = 'HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache'

function ConvertTo-SafeText {
    # Printable ASCII without characters JSON or Windows PowerShell 5.1 would escape: keeps the line short and stable.
    # -Ellipsis marks a cut with '...' (the cut text then never passes validation as a value to put back).
    param([AllowNull()] $Value, [int] $MaxLength, [switch] $Ellipsis)
    if ($null -eq $Value) { return $null }
    $text = ([string]$Value) -replace '[\r\n\t]', ' '
    $text = ($text -replace '[^\x20-\x7E]', '?') -replace '["\\<>&'']', '?'
    $text = $text.Trim()
    if ($text.Length -gt $MaxLength) {
        if ($Ellipsis) { $text = $text.Substring(0, $MaxLength - 3) + '...' } else { $text = $text.Substring(0, $MaxLength) }
    }
    return $text
}

function Test-IpLiteral {
    param([string] $HostName)
    $octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
    if ($HostName -match "\A($octet\.){3}$octet\z") { return $true }
    if ($HostName -notmatch '\A[0-9A-Fa-f:.]+\z' -or $HostName -notmatch ':') { return $false }
    $address = $null
    return [System.Net.IPAddress]::TryParse($HostName, [ref]$address)
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

function Get-RegistryEntries {
    # The raw entries of a MULTI_SZ or a comma-separated REG_SZ: trimmed, empty entries dropped.
    param([string] $Path, [string] $Name)
    $entries = New-Object System.Collections.Generic.List[string]
    $value = Get-RegistryValue -Path $Path -Name $Name
    if ($null -ne $value) {
        foreach ($item in @($value)) {
            foreach ($part in ([string]$item).Split(',')) {
                if ($part.Trim().Length -gt 0) { $entries.Add($part.Trim()) }
            }
        }
    }
    return , $entries.ToArray()
}

function Get-TerminalServiceSetting {
    # Win32_TerminalServiceSetting, or $null with the error record in $script:SettingError when the class cannot be read.
    try {
        return Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName Win32_TerminalServiceSetting
    }
    catch {
        $script:SettingError = $_
        return $null
    }
}

function Test-LicenseServerReach {
    # DNS (IP literals need none), then TCP 135 only when the name resolved.
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
    return [ordered]@{ dns = $dns; tcp135 = $tcp }
}

function Write-ErrorLine {
    # The one line an unexpected failure prints: AZRDSFIX error {"message":"..."}.
    param([string] $Message)
    Write-Output ('AZRDSFIX error ' + (ConvertTo-Json -InputObject ([ordered]@{ message = $Message }) -Compress))
}
# --- end of shared helpers ---------------------------------------------------------------------------------------
