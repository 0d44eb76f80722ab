#requires -Version 7.0
# Holds the Windows stand-in (GuestStandIn.Surface.ps1) to the shared guest contract: runs the real probe against every
# fixture and the real remediation for every case of remediate-cases.json, in one process, and compares the output
# line, the registry and the features with what the fixtures expect (the same expectations Pester and the simulator
# are held to). No Pester needed.
#   dotnet tool run pwsh -NoProfile -NonInteractive -File tests/pester/GuestStandIn.Check.ps1
# Last line: "GuestStandIn check: N passed, N failed"; exit code 0 only when nothing failed.
param([string] $GuestFolder = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'src/AzureRdsFix.Guest'))

. (Join-Path $PSScriptRoot 'GuestStandIn.Surface.ps1')
. (Join-Path $GuestFolder 'Scripts/GuestFixture.TestHelpers.ps1')
# The composed scripts (shared helpers included), as the guest receives them.
$probe = Get-GuestScriptPath -Name 'Get-RdsLicensingState.ps1'
$remediate = Get-GuestScriptPath -Name 'Set-RdsLicensing.ps1'

function Read-Fixture([string] $Name) {
    return [System.IO.File]::ReadAllText((Join-Path $GuestFolder "Fixtures/$Name.json")) | ConvertFrom-Json -DateKind String
}

function Invoke-Script([string] $Path, [hashtable] $Parameters) {
    # Every stream but progress/verbose/debug/information: anything besides the one output line is a difference.
    $global:LASTEXITCODE = 0
    return , [string[]]@(& $Path @Parameters 2>&1 3>&1 | ForEach-Object { [string]$_ })
}

$passed = 0
$failed = 0
foreach ($name in Get-FixtureNames) {
    $fixture = Read-Fixture $name
    Initialize-GuestStandIn -Guest $fixture.guest
    $lines = Invoke-Script -Path $probe -Parameters @{}
    $expected = 'AZRDSFIX probe ' + (ConvertTo-Json -InputObject $fixture.expectedProbe -Compress -Depth 20)
    if ($lines.Count -eq 1 -and $lines[0] -ceq $expected) { $passed++; continue }
    $failed++
    Write-Output "probe ${name}:`n  got      $($lines -join "`n           ")`n  expected $expected"
}

foreach ($case in Get-RemediateCases) {
    $fixture = Read-Fixture $case.fixture
    Initialize-GuestStandIn -Guest $fixture.guest
    $parameters = @{}
    foreach ($p in $case.parameters.PSObject.Properties) { $parameters[$p.Name] = ConvertTo-HexParameter -Value ([string]$p.Value) }
    $lines = Invoke-Script -Path $remediate -Parameters $parameters
    $expected = "AZRDSFIX $($case.expectedKind) " + (ConvertTo-Json -InputObject $case.expectedOutput -Compress -Depth 20)
    $guest = Export-GuestStandInGuest
    $registry = ConvertTo-CanonicalJson $guest.registry
    $features = ConvertTo-CanonicalJson $guest.features
    $expectedRegistry = ConvertTo-CanonicalJson $case.expectedRegistryAfter
    $expectedFeatures = ConvertTo-CanonicalJson $case.expectedFeaturesAfter
    if ($lines.Count -eq 1 -and $lines[0] -ceq $expected -and $registry -ceq $expectedRegistry -and $features -ceq $expectedFeatures) { $passed++; continue }
    $failed++
    Write-Output "remediate $($case.name):`n  got      $($lines -join "`n           ")`n  expected $expected"
    if ($registry -cne $expectedRegistry) { Write-Output "  registry $registry`n  expected $expectedRegistry" }
    if ($features -cne $expectedFeatures) { Write-Output "  features $features`n  expected $expectedFeatures" }
}

# The cmd.exe layer in front of the script (GuestStandIn_CmdExePass): raw metacharacters fail as on Azure, hex passes.
$cmdCases = @(
    @{ Raw = '3c6162736e743e'; Runs = $true; Value = '3c6162736e743e' }
    @{ Raw = '<absent>'; Runs = $false; Value = $null }
    @{ Raw = 'ls01.contoso.com, ls02.contoso.com'; Runs = $false; Value = $null }
    @{ Raw = 'a^&b"c d"'; Runs = $true; Value = 'a&bc d' }
    @{ Raw = '50%'; Runs = $true; Value = '50' }
    @{ Raw = 'a&whoami'; Runs = $true; Value = 'a' }
)
foreach ($cmdCase in $cmdCases) {
    $outcome = GuestStandIn_CmdExePass -Parameters @{ P = $cmdCase.Raw }
    $runs = $null -ne $outcome.Parameters
    $value = $null
    if ($runs) { $value = $outcome.Parameters['P'] }
    if ($runs -eq $cmdCase.Runs -and $value -ceq $cmdCase.Value) { $passed++; continue }
    $failed++
    Write-Output "cmd.exe layer $($cmdCase.Raw): runs $runs value '$value', expected runs $($cmdCase.Runs) value '$($cmdCase.Value)'"
}

Write-Output "GuestStandIn check: $passed passed, $failed failed"
if ($failed -gt 0) { exit 1 }
exit 0
