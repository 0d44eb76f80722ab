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

function Test-Is64BitProcess {
    # A 32-bit host (SysWOW64\WindowsPowerShell) on 64-bit Windows sees HKLM:\SOFTWARE through WOW64 redirection.
    return [Environment]::Is64BitProcess
}

function Open-RegistryBaseKey64 {
    # HKLM in the 64-bit view (Learn: "Accessing an Alternate Registry View", KEY_WOW64_64KEY): the only use of the .NET
    # registry API, for a 32-bit host; a 64-bit host reads through the registry provider (Get-ItemProperty).
    return [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
}

# Which hives a 32-bit host would see redirected is not all confirmed (HKLM\SOFTWARE\Policies is said to be shared): a
# 32-bit host reads and writes every value through the 64-bit view, which is right whether a key is shared or redirected.
$script:Registry64View = -not (Test-Is64BitProcess)

function Get-RegistrySubKeyPath {
    param([string] $Path)
    return $Path.Substring('HKLM:\'.Length)
}

function Open-RegistryKey64 {
    # The key in the 64-bit view, or $null when it does not exist; the caller closes it.
    param([string] $Path, [switch] $Writable, [switch] $Create)
    $base = Open-RegistryBaseKey64
    try {
        if ($Create) { return $base.CreateSubKey((Get-RegistrySubKeyPath -Path $Path)) }
        return $base.OpenSubKey((Get-RegistrySubKeyPath -Path $Path), [bool]$Writable)
    }
    finally {
        $base.Close()
    }
}

function Test-RegistryKey {
    param([string] $Path)
    if (-not $script:Registry64View) { return Test-Path -Path $Path }
    $key = Open-RegistryKey64 -Path $Path
    if ($null -eq $key) { return $false }
    $key.Close()
    return $true
}

function Get-RegistryValue {
    param([string] $Path, [string] $Name)
    if ($script:Registry64View) {
        $key = Open-RegistryKey64 -Path $Path
        if ($null -eq $key) { return $null }
        try {
            if (@($key.GetValueNames()) -notcontains $Name) { return $null }
            # As the registry provider reads it: DWORD Int32, QWORD Int64, MULTI_SZ String[], EXPAND_SZ unexpanded. The
            # option is given by name (PowerShell converts it) so that .NET registry types stay in the one wrapper.
            return , $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
        }
        finally {
            $key.Close()
        }
    }
    if (-not (Test-Path -Path $Path)) { return $null }
    $item = Get-ItemProperty -Path $Path
    if ($null -eq $item) { return $null }
    $property = $item.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    # The comma keeps a one-entry MULTI_SZ a String[]: a plain return would unroll it to a String.
    return , $property.Value
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

function Resolve-HostAddress {
    # [System.Net.Dns]::GetHostAddressesAsync bounded by a timeout (the synchronous lookup can block far longer): the
    # addresses, or $null when no answer came in time. Throws when the name does not resolve.
    param([string] $HostName, [int] $TimeoutMilliseconds)
    $lookup = [System.Net.Dns]::GetHostAddressesAsync($HostName)
    if (-not $lookup.Wait($TimeoutMilliseconds)) { return $null }
    return , [System.Net.IPAddress[]]$lookup.Result
}

function Connect-TcpPort {
    # One TcpClient connect to one address, bounded by a timeout: 'open', 'closed' (refused or failed) or 'timeout'.
    # Test-NetConnection pings first and waits for the OS connect timeout (about 21 s by default); closing the client
    # abandons a connect still pending.
    param([System.Net.IPAddress] $Address, [int] $Port, [int] $TimeoutMilliseconds)
    $client = New-Object System.Net.Sockets.TcpClient($Address.AddressFamily)
    try {
        $connect = $client.ConnectAsync($Address, $Port)
        if (-not $connect.Wait($TimeoutMilliseconds)) { return 'timeout' }
        return 'open'
    }
    catch {
        return 'closed'
    }
    finally {
        $client.Close()
    }
}

function Test-LicenseServerReach {
    # DNS (an IP literal is its own address), then one TCP 135 connect to the first address, each bounded by
    # $TimeoutMilliseconds: at most 2 x $TimeoutMilliseconds per server. address: the one tried (null when none);
    # tcp135: open, closed, timeout or dnsFailed (not tried: the name did not resolve in time).
    param([string] $HostName, [int] $TimeoutMilliseconds)
    $addresses = $null
    if (Test-IpLiteral -HostName $HostName) {
        $addresses = [System.Net.IPAddress[]]@([System.Net.IPAddress]::Parse($HostName))
    }
    else {
        try {
            $addresses = Resolve-HostAddress -HostName $HostName -TimeoutMilliseconds $TimeoutMilliseconds
        }
        catch {
            $addresses = $null
        }
    }
    $dns = ($null -ne $addresses) -and (@($addresses).Count -gt 0)
    $address = $null
    $tcp = 'dnsFailed'
    if ($dns) {
        $address = @($addresses)[0]
        $tcp = Connect-TcpPort -Address $address -Port 135 -TimeoutMilliseconds $TimeoutMilliseconds
        $address = [string]$address
    }
    return [ordered]@{ dns = $dns; address = $address; tcp135 = $tcp }
}

function Get-LicensedKeyPackCount {
    # The RD license server's CAL key packs that hold licenses: Win32_TSLicenseKeyPack in root\cimv2, TotalLicenses or
    # IssuedLicenses above 0 (Learn: "Win32_TSLicenseKeyPack class"). Every key pack type counts, temporary and
    # built-in ones too (whether a server without CALs still shows such a pack is unconfirmed): the safe side is to
    # count it. Throws when the class cannot be read.
    $count = 0
    foreach ($pack in @(Get-CimInstance -Namespace 'root\cimv2' -ClassName Win32_TSLicenseKeyPack)) {
        if ($null -eq $pack) { continue }
        $licenses = 0
        foreach ($name in 'TotalLicenses', 'IssuedLicenses') {
            $property = $pack.PSObject.Properties[$name]
            if ($null -ne $property -and $null -ne $property.Value) { $licenses += [int64]$property.Value }
        }
        if ($licenses -gt 0) { $count++ }
    }
    return $count
}

function Get-ErrorId {
    # A locale-independent id beside the (localized) message: the FullyQualifiedErrorId and the exception's HResult.
    param([System.Management.Automation.ErrorRecord] $ErrorRecord)
    if ($null -eq $ErrorRecord) { return $null }
    $id = [string]$ErrorRecord.FullyQualifiedErrorId
    # A thrown string's id is its own text: use the exception type instead, which no locale changes.
    if ($id -eq $ErrorRecord.Exception.Message -or $id -eq '') { $id = $ErrorRecord.Exception.GetType().FullName }
    $hresult = '0x{0:X8}' -f $ErrorRecord.Exception.HResult
    return ConvertTo-SafeText -Value ('{0} {1}' -f $id, $hresult) -MaxLength 150
}

function New-Failure {
    # {message, errorId} for the result line; the id from the error record when there is one.
    param([string] $Message, [System.Management.Automation.ErrorRecord] $ErrorRecord = $null, [string] $ErrorId = $null)
    if ($null -ne $ErrorRecord) { $ErrorId = Get-ErrorId -ErrorRecord $ErrorRecord }
    return [ordered]@{ message = (ConvertTo-SafeText -Value $Message -MaxLength 300 -Ellipsis); errorId = (ConvertTo-SafeText -Value $ErrorId -MaxLength 150) }
}

function Write-ErrorLine {
    # The one line an unexpected failure prints: AZRDSFIX error {"message":"...","errorId":"..."}.
    param([string] $Message, [AllowNull()] [string] $ErrorId = $null)
    $id = $null
    if (-not [string]::IsNullOrEmpty($ErrorId)) { $id = $ErrorId }
    Write-Output ('AZRDSFIX error ' + (ConvertTo-Json -InputObject ([ordered]@{ message = $Message; errorId = $id }) -Compress))
}
# --- end of shared helpers ---------------------------------------------------------------------------------------
