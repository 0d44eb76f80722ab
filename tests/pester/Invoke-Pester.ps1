#requires -Version 7.0
# Runs the Pester tests of the in-guest scripts (src/AzureRdsFix.Guest/Scripts/*.Tests.ps1).
#   dotnet tool restore                                  # PowerShell 7 (.config/dotnet-tools.json)
#   dotnet restore tests/AzureRdsFix.Guest.Tests         # Pester 6.2.0 into the NuGet packages folder (PackageDownload)
#   dotnet tool run pwsh -NoProfile -File tests/pester/Invoke-Pester.ps1
# Exits 0 only when every test passed; the last line is "Pester: N passed, N failed".
[CmdletBinding()]
param(
    [string] $PesterVersion = '6.2.0',
    [string] $Path = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'src/AzureRdsFix.Guest/Scripts'),
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')] [string] $Verbosity = 'Normal'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$packages = $env:NUGET_PACKAGES
if ([string]::IsNullOrWhiteSpace($packages)) { $packages = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$module = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
if (-not (Test-Path -LiteralPath $module)) {
    Write-Host "Pester $PesterVersion is not in $packages. Restore it with: dotnet restore tests/AzureRdsFix.Guest.Tests"
    Write-Host 'Pester: 0 passed, 1 failed'
    exit 1
}
Import-Module $module -Force

$tests = @(Get-ChildItem -Path $Path -Filter '*.Tests.ps1' -Recurse | ForEach-Object { $_.FullName })
if ($tests.Count -eq 0) {
    Write-Host "No *.Tests.ps1 files under $Path."
    Write-Host 'Pester: 0 passed, 1 failed'
    exit 1
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = $tests
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = $Verbosity
$configuration.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $configuration

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host ('Pester: {0} passed, {1} failed' -f $result.PassedCount, $failed)
if ($failed -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
