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
        It 'counts 50280/50282 together with 1128/1130 (locked out)' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.'1069' | Should -Be 4
            $probe.events.'1128' | Should -Be 3
            $probe.events.'1130' | Should -Be 3
        }

        It 'treats "No events were found" as zero events, not a warning' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'empty-eventlog')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            Should -Invoke Get-WinEvent -Times 1 -Exactly
            $probe.events.'1069' + $probe.events.'1128' + $probe.events.'1130' | Should -Be 0
            $probe.warnings.Count | Should -Be 0
        }

        It 'reports another event log failure as a warning and zero counts' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'locked-out')
            Mock Get-WinEvent { throw 'There is not an event log on the localhost computer that matches "X".' }
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.events.'1069' | Should -Be 0
            $probe.warnings | Should -Be @('Event log could not be read: There is not an event log on the localhost computer that matches ?X?.')
        }

        It 'uses the policy list for reach when Group Policy sets servers' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'gpo-managed')
            $probe = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]).Value
            $probe.reach.host | Should -Be @('oldls.contoso.com')
            Should -Invoke Test-NetConnection -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'oldls.contoso.com' -and $Port -eq 135 }
        }

        It 'does not try TCP 135 when the name does not resolve' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'many-servers')
            $null = Invoke-GuestScript -Name $script:ProbeScript
            Should -Invoke Test-NetConnection -Times 2 -Exactly
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
            $probe.warnings | Should -Contain "GetGracePeriodDays returned $ReturnValue."
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
            $guest.Dns = @()
            Register-GuestMocks -Guest $guest
            $failure = 'x' * 400
            Mock Get-ItemProperty { throw $failure } -ParameterFilter { $Path -like '*ServerComponentCache*' -or $Path -like '*RCM*' }
            Mock Get-WindowsFeature { throw $failure }
            Mock Get-WinEvent { throw $failure }
            $line = (Invoke-GuestScript -Name $script:ProbeScript).Lines[0]
            $probe = (Split-OutputLine -Line $line).Value
            $probe.warnings.Count | Should -Be 5
            $probe.computer.Length | Should -Be 100
            $probe.computer | Should -Match '\A[?]+\z'
            $bytes = [System.Text.Encoding]::UTF8.GetByteCount($line)
            Write-Host "    worst-case probe line: $bytes bytes"
            $bytes | Should -BeLessThan 3500
        }
    }
}
