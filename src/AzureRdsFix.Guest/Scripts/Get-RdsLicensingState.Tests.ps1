BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GuestFixture.TestHelpers.ps1')
    $fixtureCases = @(Get-FixtureNames | ForEach-Object { @{ Fixture = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'GuestFixture.TestHelpers.ps1')
    Initialize-GuestStubs
    $script:ProbeScript = 'Get-RdsLicensingState.ps1'
}

Describe 'Get-RdsLicensingState' {
    Context 'fixture <Fixture>' -ForEach $fixtureCases {
        BeforeEach {
            $guest = New-FakeGuest -FixtureName $Fixture
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:ProbeScript
        }

        It 'prints exactly one AZRDSFIX probe line and exits 0' {
            $run.Lines.Count | Should -Be 1
            $run.ExitCode | Should -Be 0
            (Split-OutputLine -Line $run.Lines[0]).Kind | Should -Be 'probe'
        }

        It 'prints the fixture''s expectedProbe, keys in contract order' {
            $actual = (Split-OutputLine -Line $run.Lines[0]).Value
            ConvertTo-OrderedJson $actual | Should -Be (ConvertTo-OrderedJson $guest.Fixture.expectedProbe)
        }

        It 'prints compact JSON that round-trips unchanged' {
            $parsed = Split-OutputLine -Line $run.Lines[0]
            ConvertTo-OrderedJson $parsed.Value | Should -Be $parsed.Json
        }

        It 'writes nothing' {
            Should -Invoke New-Item -Times 0 -Exactly
            Should -Invoke New-ItemProperty -Times 0 -Exactly
            Should -Invoke Set-ItemProperty -Times 0 -Exactly
            Should -Invoke Remove-ItemProperty -Times 0 -Exactly
            Should -Invoke Uninstall-WindowsFeature -Times 0 -Exactly
            Should -Invoke Invoke-CimMethod -Times 0 -Exactly -ParameterFilter { $MethodName -in 'ChangeMode', 'SetSpecifiedLicenseServerList' }
        }
    }

    Context 'situations' {
        It 'counts only sourced ids: 1069 in the RCM Admin log, not 1128/1130/50280/50282 (locked out)' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            @($probe.events.rcmAdmin.PSObject.Properties.Name) | Should -Be @('1069')
            $probe.events.rcmAdmin.'1069' | Should -Be 4
            Should -Invoke Get-WinEvent -Times 1 -Exactly -ParameterFilter { $FilterHashtable[0]['LogName'] -like '*RemoteConnectionManager/Admin' -and (@($FilterHashtable[0]['Id']) -join ',') -eq '1069' }
        }

        It 'reads the licensing service''s System-log events, bounded by MaxEvents and a time window, under their channel' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'licensing-role-with-cals')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.system.'4105' | Should -Be 2
            $probe.events.days | Should -Be 30
            Should -Invoke Get-WinEvent -Times 2 -Exactly -ParameterFilter { $MaxEvents -eq 500 -and $FilterHashtable[0]['StartTime'] -is [datetime] }
        }

        It 'counts only the licensing provider''s events in the System log' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            Mock Get-WinEvent { @([pscustomobject]@{ Id = 4105; ProviderName = 'SomeOtherSource' }) } -ParameterFilter { $FilterHashtable[0]['LogName'] -eq 'System' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.system.'4105' | Should -Be 0
        }

        It 'caps each channel at MaxEvents (a count at the cap means at least)' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'many-servers')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.rcmAdmin.'1069' | Should -Be 500
        }

        It 'treats "No events were found" as zero events, not a warning' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'empty-eventlog')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            Should -Invoke Get-WinEvent -Times 2 -Exactly
            $probe.events.rcmAdmin.'1069' | Should -Be 0
            $probe.events.system.'4105' | Should -Be 0
            $probe.warnings.Count | Should -Be 0
        }

        It 'reports a channel that cannot be read as unknown (null) with a warning and its errorId, never as zero' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            Mock Get-WinEvent { throw 'access denied' } -ParameterFilter { $FilterHashtable[0]['LogName'] -eq 'System' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.rcmAdmin.'1069' | Should -Be 4
            $probe.events.system | Should -BeNullOrEmpty
            $probe.warnings.message | Should -Be @('System log could not be read: access denied')
            $probe.warnings[0].errorId | Should -Be 'System.Management.Automation.RuntimeException 0x80131501'
        }

        It 'reports a missing RCM Admin log as unknown with the locale-independent NoMatchingLogsFound id' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'no-rcm-log')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.rcmAdmin | Should -BeNullOrEmpty
            $probe.warnings[0].errorId | Should -Be 'NoMatchingLogsFound 0x80131500'
        }

        It 'gives every warning a locale-independent errorId' {
            $guest = New-FakeGuest -FixtureName 'grace-call-failed'
            $guest.Guest.terminalServiceSetting = $null
            $guest.Features = $null
            $guest.Events['system'] = $null
            Register-GuestMocks -Guest $guest
            Mock Get-CimInstance { throw 'cim down' } -ParameterFilter { $ClassName -eq 'Win32_ComputerSystem' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.warnings.Count | Should -Be 4
            foreach ($warning in $probe.warnings) { $warning.errorId | Should -Not -BeNullOrEmpty }
            $probe.warnings.errorId | Should -Contain 'CommandNotFoundException 0x80131501'
        }

        It 'gives a failed method call the id <Id>' -ForEach @(
            @{ Result = @{ ReturnValue = [uint32]1; DaysLeft = [uint32]0 }; Id = 'GetGracePeriodDays,ReturnValue=1' }
            @{ Result = @{ DaysLeft = [uint32]0 }; Id = 'GetGracePeriodDays,NoReturnValue' }
        ) {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            $shape = $Result
            Mock Invoke-CimMethod { [pscustomobject]$shape } -ParameterFilter { $MethodName -eq 'GetGracePeriodDays' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.warnings[0].errorId | Should -Be $Id
        }

        It 'uses the policy list for reach when Group Policy sets servers' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'gpo-managed')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.reach.host | Should -Be @('oldls.contoso.com')
            Should -Invoke Connect-TcpPort -Times 1 -Exactly -ParameterFilter { [string]$Address -eq '10.0.0.4' -and $Port -eq 135 }
        }

        It 'does not try TCP 135 when the name does not resolve, and reports open, timeout and dnsFailed apart' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'many-servers')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            Should -Invoke Connect-TcpPort -Times 2 -Exactly
            @($probe.reach | ForEach-Object { $_.tcp135 }) | Should -Be @('open', 'timeout', 'dnsFailed', 'dnsFailed')
            @($probe.reach | ForEach-Object { $_.dns }) | Should -Be @($true, $true, $false, $false)
            $probe.reach[0].address | Should -Be '10.0.0.4'
            $probe.reach[2].address | Should -BeNullOrEmpty
        }

        It 'bounds DNS and TCP by the ReachTimeoutMilliseconds parameter (default 3000) and never uses Test-NetConnection' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'healthy')
            $null = Invoke-GuestScript -Name $script:ProbeScript
            Should -Invoke Resolve-HostAddress -Times 1 -Exactly -ParameterFilter { $TimeoutMilliseconds -eq 3000 }
            Should -Invoke Connect-TcpPort -Times 1 -Exactly -ParameterFilter { $TimeoutMilliseconds -eq 3000 }
            Should -Invoke Test-NetConnection -Times 0 -Exactly
            Should -Invoke Resolve-DnsName -Times 0 -Exactly
            $run = Invoke-GuestScript -Name $script:ProbeScript -Parameters @{ ReachTimeoutMilliseconds = 1500 } -Raw
            $run.ExitCode | Should -Be 0
            Should -Invoke Connect-TcpPort -Times 1 -Exactly -ParameterFilter { $TimeoutMilliseconds -eq 1500 }
        }

        It 'reports a refused connection as closed and a DNS timeout as dnsFailed' {
            $guest = New-FakeGuest -FixtureName 'healthy'
            Register-GuestMocks -Guest $guest
            $guest.Tcp135.Clear()
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.reach[0].tcp135 | Should -Be 'closed'
            $guest.DnsTimeout = @('ls01.contoso.com')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.reach[0].dns | Should -BeFalse
            $probe.reach[0].tcp135 | Should -Be 'dnsFailed'
        }

        It 'asks GetTStoLSConnectivityStatus once per effective server, by ServerName' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'many-servers')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            Should -Invoke Invoke-CimMethod -Times 4 -Exactly -ParameterFilter { $MethodName -eq 'GetTStoLSConnectivityStatus' -and $Arguments['ServerName'] -like 'p?0-*' }
            @($probe.reach | ForEach-Object { $_.lsStatus }) | Should -Be @(6, 6, 6, 6)
        }

        It 'reports a server''s LOWER_VERSION status in its reach entry' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'lower-version')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.reach[0].lsStatus | Should -Be 4
        }

        It 'does not trust DaysLeft when GetGracePeriodDays returns <ReturnValue>' -ForEach @(
            @{ ReturnValue = 1 }
            @{ ReturnValue = 2147749890 }
        ) {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            $code = $ReturnValue
            Mock Invoke-CimMethod { [pscustomobject]@{ ReturnValue = [uint32]$code; DaysLeft = [uint32]0 } } -ParameterFilter { $MethodName -eq 'GetGracePeriodDays' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.graceDays | Should -BeNullOrEmpty
            $probe.warnings.message | Should -Contain "GetGracePeriodDays returned $ReturnValue."
        }

        It 'reports the key packs that hold CALs where RD Licensing is installed' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'licensing-role-with-cals')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.keyPacks | Should -Be 1
            Should -Invoke Get-CimInstance -Times 1 -Exactly -ParameterFilter { $ClassName -eq 'Win32_TSLicenseKeyPack' -and $Namespace -eq 'root\cimv2' }
        }

        It 'does not ask for key packs where RD Licensing is not installed' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'healthy')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.keyPacks | Should -BeNullOrEmpty
            Should -Invoke Get-CimInstance -Times 0 -Exactly -ParameterFilter { $ClassName -eq 'Win32_TSLicenseKeyPack' }
        }

        It 'reports key packs as unknown, with a warning, when the class cannot be read' {
            $guest = New-FakeGuest -FixtureName 'licensing-role-with-cals'
            $guest.KeyPacks = $null
            Register-GuestMocks -Guest $guest
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.keyPacks | Should -BeNullOrEmpty
            $probe.warnings.message | Should -Be @('Win32_TSLicenseKeyPack could not be read: Invalid class')
        }

        It 'reads the registry through the 64-bit view on a 32-bit host (WOW64), never through the redirected provider' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'wow64-host')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.is64BitProcess | Should -BeFalse
            $probe.rdsh.installState | Should -Be 1
            Should -Invoke Open-RegistryBaseKey64 -Scope It
            Should -Invoke Get-ItemProperty -Times 0 -Exactly
            Should -Invoke Test-Path -Times 0 -Exactly
        }

        It 'would miss the role under WOW64 redirection (the stand-in redirects HKLM:\SOFTWARE for a 32-bit host)' {
            $guest = New-FakeGuest -FixtureName 'wow64-host'
            Register-GuestMocks -Guest $guest
            Test-Path -Path 'HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\RDS-RD-Server' | Should -BeFalse
            Test-Path -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core' | Should -BeTrue
        }

        It 'leaves the grace unknown when GetGracePeriodDays has no ReturnValue' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            Mock Invoke-CimMethod { [pscustomobject]@{ DaysLeft = [uint32]0 } } -ParameterFilter { $MethodName -eq 'GetGracePeriodDays' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.graceDays | Should -BeNullOrEmpty
        }

        It 'counts TerminalServerMode 1 as RDSH when the role is hidden (busy servicing)' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'busy-servicing')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.graceDays | Should -Be 0
            Should -Invoke Invoke-CimMethod -Times 1 -Exactly -ParameterFilter { $MethodName -eq 'GetGracePeriodDays' }
        }

        It 'does not ask for grace days when RDSH is not installed' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'no-rdsh')
            $null = Invoke-GuestScript -Name $script:ProbeScript
            Should -Invoke Invoke-CimMethod -Times 0 -Exactly
        }

        It 'does not resolve an IP literal' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'empty-eventlog')
            $null = Invoke-GuestScript -Name $script:ProbeScript
            Should -Invoke Resolve-DnsName -Times 0 -Exactly
        }

        It 'still prints one error line when something unexpected fails' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            Mock Get-Date { throw 'clock exploded' }
            $run = Invoke-GuestScript -Name $script:ProbeScript
            $run.Lines.Count | Should -Be 1
            $run.ExitCode | Should -Be 1
            $line = Split-OutputLine -Line $run.Lines[0]
            $line.Kind | Should -Be 'error'
            $line.Value.message | Should -Be 'clock exploded'
        }
    }

    Context 'output size' {
        It 'stays under 3,500 bytes for the many-servers fixture' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'many-servers')
            $line = (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]
            [System.Text.Encoding]::UTF8.GetByteCount($line) | Should -BeLessThan 3500
        }

        It 'stays under 3,500 bytes with every string at its cap and five warnings' {
            $guest = New-FakeGuest -FixtureName 'many-servers'
            $long = ('<''"&>' * 60) + ([string][char]0x00E9 * 100)
            $guest.Guest.computerName = $long
            $guest.Guest.os.caption = $long
            $guest.Guest.os.version = $long
            $guest.Guest.os.build = $long
            $guest.Guest.domain.name = $long
            $guest.Guest.terminalServiceSetting = $null
            # Every effective server resolves to 39-character IPv6 addresses; every warning has an errorId at its cap.
            $guest.Dns.Clear()
            foreach ($server in ($guest.Guest.registry.'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'.LicenseServers.value -split ',')) {
                $guest.Dns[$server.Trim()] = @('1111:2222:3333:4444:5555:6666:7777:8888', '1111:2222:3333:4444:5555:6666:7777:8889')
            }
            $guest.DnsTimeout = @()
            Register-GuestMocks -Guest $guest
            $failure = [System.Management.Automation.ErrorRecord]::new([System.Exception]::new('x' * 400), 'y' * 400, [System.Management.Automation.ErrorCategory]::NotSpecified, $null)
            Mock Get-ItemProperty { throw $failure } -ParameterFilter { $Path -like '*ServerComponentCache*' -or $Path -like '*RCM*' }
            Mock Get-WindowsFeature { throw $failure }
            Mock Get-WinEvent { throw $failure }
            $line = (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]
            $probe = (Split-OutputLine -Line $line).Value
            $probe.warnings.Count | Should -Be 5
            $probe.computer.Length | Should -Be 100
            $probe.computer | Should -Match '\A[?]+\z'
            $probe.warnings[0].errorId.Length | Should -Be 60
            $probe.reach[0].address.Length | Should -Be 39
            $bytes = [System.Text.Encoding]::UTF8.GetByteCount($line)
            Write-Host "    worst-case probe line: $bytes bytes"
            $bytes | Should -BeLessThan 3500
        }
    }
}
