BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GuestFixture.TestHelpers.ps1')
    $remediateCases = @(Get-RemediateCases | ForEach-Object { @{ Case = $_; Name = $_.name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'GuestFixture.TestHelpers.ps1')
    Initialize-GuestStubs
    $script:RemediateScript = 'Set-RdsLicensing.ps1'

    function ConvertTo-ParameterTable {
        param($Parameters)
        $table = @{}
        foreach ($property in $Parameters.PSObject.Properties) { $table[$property.Name] = [string]$property.Value }
        return $table
    }

    function Assert-NothingWritten {
        Should -Invoke New-Item -Times 0 -Exactly
        Should -Invoke New-ItemProperty -Times 0 -Exactly
        Should -Invoke Set-ItemProperty -Times 0 -Exactly
        Should -Invoke Remove-ItemProperty -Times 0 -Exactly
        Should -Invoke Uninstall-WindowsFeature -Times 0 -Exactly
        Should -Invoke Invoke-CimMethod -Times 0 -Exactly
    }
}

Describe 'Set-RdsLicensing' {
    Context 'case <Name>' -ForEach $remediateCases {
        BeforeEach {
            $guest = New-FakeGuest -FixtureName $Case.fixture
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters (ConvertTo-ParameterTable $Case.parameters)
        }

        It 'prints exactly one line of the expected kind' {
            $run.Lines.Count | Should -Be 1
            (Split-OutputLine -Line $run.Lines[0]).Kind | Should -Be $Case.expectedKind
            $expectedExit = 0
            if ($Case.expectedKind -eq 'error') { $expectedExit = 1 }
            $run.ExitCode | Should -Be $expectedExit
        }

        It 'prints the expected output, keys in contract order' {
            $actual = (Split-OutputLine -Line $run.Lines[0]).Value
            ConvertTo-OrderedJson $actual | Should -Be (ConvertTo-OrderedJson $Case.expectedOutput)
        }

        It 'leaves the expected registry and features' {
            ConvertTo-CanonicalJson $guest.Registry | Should -Be (ConvertTo-CanonicalJson $Case.expectedRegistryAfter)
            ConvertTo-CanonicalJson $guest.Features | Should -Be (ConvertTo-CanonicalJson $Case.expectedFeaturesAfter)
        }

        It 'writes only when the status is Applied' {
            if ($Case.expectedKind -eq 'remediate' -and $Case.expectedOutput.status -eq 'Applied') {
                $original = New-FakeGuest -FixtureName $Case.fixture
                $before = (ConvertTo-CanonicalJson $original.Registry) + (ConvertTo-CanonicalJson $original.Features)
                $after = (ConvertTo-CanonicalJson $guest.Registry) + (ConvertTo-CanonicalJson $guest.Features)
                $after | Should -Not -Be $before
            }
            else {
                Assert-NothingWritten
            }
        }
    }

    Context 'fidelity' {
        It 'writes through the 64-bit registry view on a 32-bit host, never through the redirected provider' {
            $guest = New-FakeGuest -FixtureName 'wow64-host'
            $guest.Guest.terminalServiceSetting = $null
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4'; LicenseServers = 'ls01.contoso.com' }
            $result = (Split-OutputLine -Line $run.Lines[0]).Value
            $result.status | Should -Be 'Applied'
            $result.method | Should -Be 'Registry'
            $global:AzrdsfixRegistry64Writes | Should -Be 2
            Should -Invoke New-ItemProperty -Times 0 -Exactly
            Should -Invoke New-Item -Times 0 -Exactly
            Should -Invoke Get-ItemProperty -Times 0 -Exactly
            $guest.Registry['HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core']['LicensingMode'].value | Should -Be 4
        }

        It 'removes a value through the 64-bit view on a 32-bit host' {
            $guest = New-FakeGuest -FixtureName 'wow64-host'
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Restore'; LicensingMode = '<absent>' }
            (Split-OutputLine -Line $run.Lines[0]).Value.changes[0].after | Should -BeNullOrEmpty
            Should -Invoke Remove-ItemProperty -Times 0 -Exactly
            $guest.Registry['HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core'].Contains('LicensingMode') | Should -BeFalse
        }

        It 'refuses to remove RD Licensing when its key packs cannot be read (LicensesUnknown), changing nothing' {
            $guest = New-FakeGuest -FixtureName 'licensing-role-with-cals'
            $guest.KeyPacks = $null
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; RemoveLicensingRole = 'true' }
            $result = (Split-OutputLine -Line $run.Lines[0]).Value
            $result.status | Should -Be 'Blocked'
            $result.blocked | Should -Be 'LicensesInstalled'
            $result.error.errorId | Should -BeLike 'LicensesUnknown *'
            Assert-NothingWritten
        }

        It 'removes RD Licensing when no key pack holds a license' {
            $guest = New-FakeGuest -FixtureName 'licensing-role-with-cals'
            $guest.KeyPacks = @([pscustomobject]@{ KeyPackId = 3; KeyPackType = 4; TotalLicenses = 0; IssuedLicenses = 0; AvailableLicenses = 0 })
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; RemoveLicensingRole = 'true' }
            (Split-OutputLine -Line $run.Lines[0]).Value.status | Should -Be 'Applied'
            Should -Invoke Uninstall-WindowsFeature -Times 1 -Exactly
        }

        It 'blocks a server whose TCP 135 connect times out, with a bounded wait' {
            $guest = New-FakeGuest -FixtureName 'locked-out'
            Register-GuestMocks -Guest $guest
            $guest.Tcp135['10.0.0.4'] = 'timeout'
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4'; LicenseServers = 'ls01.contoso.com' }
            $result = (Split-OutputLine -Line $run.Lines[0]).Value
            $result.blocked | Should -Be 'Unreachable'
            $result.unreachable | Should -Be @('ls01.contoso.com')
            Should -Invoke Connect-TcpPort -Times 1 -Exactly -ParameterFilter { $TimeoutMilliseconds -eq 3000 -and $Port -eq 135 }
            Should -Invoke Test-NetConnection -Times 0 -Exactly
        }
    }

    Context 'idempotence' {
        It 'applies to a locked-out host once, then reports NoChange with the same registry' {
            $guest = New-FakeGuest -FixtureName 'locked-out'
            Register-GuestMocks -Guest $guest
            $parameters = @{ Operation = 'Apply'; LicensingMode = '4'; LicenseServers = 'ls01.contoso.com' }
            $first = Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters $parameters).Lines[0]
            $registryAfterFirst = ConvertTo-CanonicalJson $guest.Registry
            $second = Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters $parameters).Lines[0]
            $first.Value.status | Should -Be 'Applied'
            $second.Value.status | Should -Be 'NoChange'
            $second.Value.method | Should -BeNullOrEmpty
            ConvertTo-CanonicalJson $guest.Registry | Should -Be $registryAfterFirst
            Should -Invoke Invoke-CimMethod -Times 2 -Exactly -ParameterFilter { $MethodName -in 'ChangeMode', 'SetSpecifiedLicenseServerList' }
        }

        It 'restores the before-values an Apply reported, back to the original registry' {
            $guest = New-FakeGuest -FixtureName 'grace-expiring'
            $original = ConvertTo-CanonicalJson $guest.Registry
            Register-GuestMocks -Guest $guest
            $apply = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '2'; LicenseServers = 'ls01.contoso.com' }).Lines[0]).Value
            $restore = @{ Operation = 'Restore'; LicensingMode = '<absent>'; LicenseServers = '<absent>' }
            foreach ($change in $apply.changes) {
                if ($null -ne $change.before) { $restore[$change.setting -replace 'SpecifiedLicenseServers', 'LicenseServers'] = $change.before }
            }
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters $restore
            (Split-OutputLine -Line $run.Lines[0]).Value.status | Should -Be 'Applied'
            ($guest.Registry.Keys | Sort-Object) | Should -Contain 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'
            $guest.Registry.Remove('HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers')
            ConvertTo-CanonicalJson $guest.Registry | Should -Be $original
        }
    }

    Context 'encoded parameters' {
        It 'refuses a raw (not hex-encoded) value with one error line and changes nothing' -ForEach @(
            @{ Raw = @{ Operation = 'Restore'; LicenseServers = '<absent>' }; Message = 'Parameter Operation must be hex-encoded UTF-8 (two hex digits per byte, 2048 digits at most).' }
            @{ Raw = @{ Operation = '4170706c79'; LicensingMode = '4' }; Message = 'Parameter LicensingMode must be hex-encoded UTF-8 (two hex digits per byte, 2048 digits at most).' }
            @{ Raw = @{ Operation = '4170706c79'; LicenseServers = 'c3' }; Message = 'Parameter LicenseServers must be hex-encoded UTF-8 (two hex digits per byte, 2048 digits at most).' }
        ) {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'healthy')
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters $Raw -Raw
            $run.ExitCode | Should -Be 1
            (Split-OutputLine -Line $run.Lines[0]).Value.message | Should -Be $Message
            Assert-NothingWritten
        }

        It 'decodes an encoded absent sentinel and removes the value' {
            $guest = New-FakeGuest -FixtureName 'healthy'
            Register-GuestMocks -Guest $guest
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = '526573746f7265'; LicenseServers = '3c616273656e743e' } -Raw
            (Split-OutputLine -Line $run.Lines[0]).Value.status | Should -Be 'Applied'
            $guest.Registry['HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'].Contains('SpecifiedLicenseServers') | Should -BeFalse
        }
    }

    Context 'role removal' {
        It 'keeps the mode/server changes already written when Uninstall-WindowsFeature throws, with the error and its id' {
            $guest = New-FakeGuest -FixtureName 'licensing-role-unused'
            Register-GuestMocks -Guest $guest
            Mock Uninstall-WindowsFeature {
                $exception = [System.UnauthorizedAccessException]::new('Zugriff verweigert')
                throw [System.Management.Automation.ErrorRecord]::new($exception, 'ServerManagerAccessDenied,Microsoft.Windows.ServerManager.Commands.RemoveWindowsFeatureCommand', 'PermissionDenied', $null)
            }
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4'; RemoveLicensingRole = 'true' }
            $run.Lines.Count | Should -Be 1
            $run.ExitCode | Should -Be 0
            $result = (Split-OutputLine -Line $run.Lines[0]).Value
            $result.status | Should -Be 'Applied'
            $result.changes[0].setting | Should -Be 'LicensingMode'
            $result.changes[0].changed | Should -BeTrue
            $result.changes[1].setting | Should -Be 'RDS-Licensing'
            $result.changes[1].after | Should -Be 'Installed'
            $result.error.message | Should -Be 'Zugriff verweigert'
            $result.error.errorId | Should -Be ('ServerManagerAccessDenied,Microsoft.Windows.ServerManager.Commands.RemoveWindowsFeatureCommand 0x{0:X8}' -f [System.UnauthorizedAccessException]::new('x').HResult)
            $result.restartNeeded | Should -BeTrue
        }

        It 'reports a failure when Get-WindowsFeature fails after the uninstall, keeping the changes' {
            $guest = New-FakeGuest -FixtureName 'licensing-role-unused'
            Register-GuestMocks -Guest $guest
            $global:AzrdsfixFeatureCalls = 0
            Mock Get-WindowsFeature { $global:AzrdsfixFeatureCalls++; if ($global:AzrdsfixFeatureCalls -gt 1) { throw 'servicing stack busy' }; [pscustomobject]@{ Name = 'RDS-Licensing'; InstallState = 'Installed' } }
            $result = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; RemoveLicensingRole = 'true' }).Lines[0]).Value
            $result.error.message | Should -Be 'servicing stack busy'
            $result.changes[0].before | Should -Be 'Installed'
        }

        It 'takes success and restart from the uninstall result (<Case>)' -ForEach @(
            @{ Case = 'failed'; Success = $false; Restart = 'No'; ExpectError = $true; ExpectRestart = $false }
            @{ Case = 'no restart'; Success = $true; Restart = 'No'; ExpectError = $false; ExpectRestart = $false }
            @{ Case = 'maybe restart'; Success = $true; Restart = 'Maybe'; ExpectError = $false; ExpectRestart = $true }
        ) {
            $guest = New-FakeGuest -FixtureName 'licensing-role-unused'
            Register-GuestMocks -Guest $guest
            $answer = [pscustomobject]@{ Success = $Success; RestartNeeded = $Restart; ExitCode = 'Failed' }
            Mock Uninstall-WindowsFeature { $global:AzrdsfixFakeGuest.Features['RDS-Licensing'] = 'Available'; $answer }
            $result = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; RemoveLicensingRole = 'true' }).Lines[0]).Value
            ($null -ne $result.error) | Should -Be $ExpectError
            $result.restartNeeded | Should -Be $ExpectRestart
        }

        It 'still needs a restart when the role is already UninstallPending' {
            $guest = New-FakeGuest -FixtureName 'licensing-role-unused'
            $guest.Features['RDS-Licensing'] = 'UninstallPending'
            Register-GuestMocks -Guest $guest
            $result = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; RemoveLicensingRole = 'true' }).Lines[0]).Value
            Should -Invoke Uninstall-WindowsFeature -Times 0 -Exactly
            $result.status | Should -Be 'NoChange'
            $result.restartNeeded | Should -BeTrue
        }
    }

    Context 'write paths' {
        It 'falls back to the registry when ChangeMode does not take effect' {
            $guest = New-FakeGuest -FixtureName 'locked-out'
            Register-GuestMocks -Guest $guest
            Mock Invoke-CimMethod { [pscustomobject]@{ ReturnValue = [uint32]1 } } -ParameterFilter { $MethodName -eq 'ChangeMode' }
            $result = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4' }).Lines[0]).Value
            $result.method | Should -Be 'Registry'
            $result.changes[0].after | Should -Be '4'
            $guest.Registry['HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core']['LicensingMode'].value | Should -Be 4
        }

        It 'removes roles only when installed and never restarts anything' {
            $guest = New-FakeGuest -FixtureName 'locked-out'
            Register-GuestMocks -Guest $guest
            $null = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; RemoveRdsh = 'TRUE'; RemoveLicensingRole = 'true' }
            Should -Invoke Uninstall-WindowsFeature -Times 1 -Exactly -ParameterFilter { $Name -contains 'RDS-RD-Server' }
            Should -Invoke Restart-Service -Times 0 -Exactly
        }

        It 'reports null role states on a client OS' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'client-os')
            $result = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'apply'; RemoveRdsh = 'true' }).Lines[0]).Value
            $result.operation | Should -Be 'Apply'
            $result.status | Should -Be 'NoChange'
            $result.changes[0].before | Should -BeNullOrEmpty
        }

        It 'prints one error line when a write fails unexpectedly' {
            Register-GuestMocks -Guest (New-FakeGuest -FixtureName 'no-cim-class')
            Mock New-ItemProperty { throw 'Requested registry access is not allowed.' }
            $run = Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4' }
            $run.Lines.Count | Should -Be 1
            $run.ExitCode | Should -Be 1
            $line = (Split-OutputLine -Line $run.Lines[0]).Value
            $line.message | Should -Be 'Requested registry access is not allowed.'
            $line.errorId | Should -Match '\A\S+ 0x[0-9A-F]{8}\z'
        }
    }

    Context 'output size' {
        It 'stays under 3,500 bytes with the longest lists it can report' {
            $guest = New-FakeGuest -FixtureName 'server-unreachable'
            $long = @(0..3 | ForEach-Object { ('h{0}' -f $_) + ('.' + ('x' * 61)) * 2 })
            $requested = $long -join ','
            $requested.Length | Should -BeLessOrEqual 512
            $guest.Registry['HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers']['SpecifiedLicenseServers'].value = [string[]]@(1..20 | ForEach-Object { '<' + ('y' * 200) })
            $guest.Dns = @()
            Register-GuestMocks -Guest $guest
            $line = (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4'; LicenseServers = $requested; RemoveRdsh = 'false' }).Lines[0]
            $result = (Split-OutputLine -Line $line).Value
            # 20 entries of '<yyy...' cannot be put back by a rollback: refused, reported raw (hex, cut) with its type.
            $result.blocked | Should -Be 'NotRestorable'
            $result.changes[1].before.Length | Should -Be 512
            $result.changes[1].before | Should -BeLike '?yyy*...'
            $result.changes[1].beforeType | Should -Be 'MultiString'
            $result.changes[1].beforeRaw.Length | Should -Be 512
            $bytes = [System.Text.Encoding]::UTF8.GetByteCount($line)
            Write-Host "    worst-case remediate line (not restorable): $bytes bytes"
            $bytes | Should -BeLessThan 3500
        }

        It 'stays under 3,500 bytes with four unreachable servers and a 512-character before-value' {
            $guest = New-FakeGuest -FixtureName 'server-unreachable'
            $long = @(0..3 | ForEach-Object { ('h{0}' -f $_) + ('.' + ('x' * 61)) * 2 })
            $before = @(0..3 | ForEach-Object { ('b{0}' -f $_) + ('.' + ('y' * 61)) * 2 })
            $guest.Registry['HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers']['SpecifiedLicenseServers'].value = [string[]]$before
            $guest.Dns = @()
            Register-GuestMocks -Guest $guest
            $line = (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicensingMode = '4'; LicenseServers = ($long -join ','); RemoveRdsh = 'true'; RemoveLicensingRole = 'true' }).Lines[0]
            $result = (Split-OutputLine -Line $line).Value
            $result.blocked | Should -Be 'Unreachable'
            $result.unreachable.Count | Should -Be 4
            $bytes = [System.Text.Encoding]::UTF8.GetByteCount($line)
            Write-Host "    worst-case remediate line (unreachable): $bytes bytes"
            $bytes | Should -BeLessThan 3500
        }

        It 'refuses to change a before-value it could not put back (<Why>)' -ForEach @(
            @{ Why = 'REG_SZ instead of MULTI_SZ'; Type = 'String'; Value = 'ls01.contoso.com' }
            @{ Why = 'a name with an underscore'; Type = 'MultiString'; Value = [string[]]@('ls_01.contoso.com') }
            @{ Why = 'more than 4 entries'; Type = 'MultiString'; Value = [string[]]@('a1', 'a2', 'a3', 'a4', 'a5') }
            @{ Why = 'a trailing dot'; Type = 'MultiString'; Value = [string[]]@('ls01.contoso.com.') }
            @{ Why = 'non-ASCII'; Type = 'MultiString'; Value = [string[]]@(('ls' + [char]0x00E9 + '.contoso.com')) }
        ) {
            $guest = New-FakeGuest -FixtureName 'healthy'
            Set-FakeRegistryValue -Guest $guest -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers' -Name 'SpecifiedLicenseServers' -Type $Type -Value $Value
            Register-GuestMocks -Guest $guest
            $result = (Split-OutputLine -Line (Invoke-GuestScript -Name $script:RemediateScript -Parameters @{ Operation = 'Apply'; LicenseServers = 'ls02.contoso.com' }).Lines[0]).Value
            $result.status | Should -Be 'Blocked'
            $result.blocked | Should -Be 'NotRestorable'
            $result.changes[0].beforeType | Should -Be $Type
            $raw = @($Value) -join "`n"
            $result.changes[0].beforeRaw | Should -Be (ConvertTo-HexParameter -Value $raw)
            Should -Invoke New-ItemProperty -Times 0 -Exactly
            Should -Invoke Invoke-CimMethod -Times 0 -Exactly
        }
    }
}
