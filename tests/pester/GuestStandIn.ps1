#requires -Version 7.0
# A Windows stand-in for Run Command: runs the script text a Run Command received against a guest state file.
#
# One run, one process:
#   dotnet tool run pwsh -NoProfile -NonInteractive -File tests/pester/GuestStandIn.ps1 `
#       -StateFile state.json -ScriptFile received.ps1 -ParametersJson '{"Operation":"Apply","LicensingMode":"4"}'
#   prints the script's stdout and stderr and exits with its exit code.
# Many runs, one process (-Serve): reads one job per line on stdin, {"id","stateFile","scriptFile","parametersJson"},
#   runs each in a fresh runspace (its own global scope: nothing of one run is seen by the next) and answers one line
#   "GUESTSTANDIN-DONE {"id","exitCode","stdOut","stdErr"}" on stdout; stops at the end of stdin. Saves pwsh's start-up
#   (a second or more of CPU) on every Run Command.
#
# The state file is a fixture file (src/AzureRdsFix.Guest/Fixtures/*.json: the "guest" object is the state); the guest
# surface (GuestStandIn.Surface.ps1) answers from it, and the mutated guest is written back to it after the script.
# The script runs as Run Command runs it (Invoke-GuestStandInRun): parameters as -Name value strings, the default
# preferences of a fresh powershell.exe, an uncaught error on stderr with exit code 1, `exit N` kept.
# Exit codes 98 (state not saved) and 99 (stand-in could not start) are the stand-in's own failures, on stderr.
[CmdletBinding(DefaultParameterSetName = 'Run')]
param(
    [Parameter(ParameterSetName = 'Run', Mandatory = $true)] [string] $StateFile,
    [Parameter(ParameterSetName = 'Run', Mandatory = $true)] [string] $ScriptFile,
    [Parameter(ParameterSetName = 'Run')] [string] $ParametersJson = '{}',
    [Parameter(ParameterSetName = 'Serve', Mandatory = $true)] [switch] $Serve
)

$surface = Join-Path $PSScriptRoot 'GuestStandIn.Surface.ps1'

if ($PSCmdlet.ParameterSetName -eq 'Run') {
    if ($null -ne (Get-Variable -Name PSStyle -ErrorAction SilentlyContinue)) { $PSStyle.OutputRendering = 'PlainText' }
    . $surface
    $result = Invoke-GuestStandInRun -GuestStandInJob @{ StateFile = $StateFile; ScriptFile = $ScriptFile; ParametersJson = $ParametersJson }
    [Console]::Out.Write($result.StdOut)
    [Console]::Error.Write($result.StdErr)
    exit $result.ExitCode
}

$state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
while ($null -ne ($line = [Console]::In.ReadLine())) {
    if ($line.Trim().Length -eq 0) { continue }
    $job = $line | ConvertFrom-Json -AsHashtable
    $answer = [ordered]@{ id = $job['id']; exitCode = 99; stdOut = ''; stdErr = '' }
    $runspace = [System.Management.Automation.Runspaces.RunspaceFactory]::CreateRunspace($state)
    $shell = $null
    try {
        $runspace.Open()
        $shell = [System.Management.Automation.PowerShell]::Create($runspace)
        $null = $shell.AddScript({
                param($Surface, $Job)
                if ($null -ne (Get-Variable -Name PSStyle -ErrorAction SilentlyContinue)) { $PSStyle.OutputRendering = 'PlainText' }
                . $Surface
                Invoke-GuestStandInRun -GuestStandInJob $Job
            }.ToString()).AddArgument($surface).AddArgument(@{ StateFile = $job['stateFile']; ScriptFile = $job['scriptFile']; ParametersJson = $job['parametersJson'] })
        $results = @($shell.Invoke())
        if ($results.Count -gt 0) {
            $result = $results[-1]
            $answer.exitCode = [int]$result.ExitCode; $answer.stdOut = [string]$result.StdOut; $answer.stdErr = [string]$result.StdErr
        }
        else {
            $answer.stdErr = 'GuestStandIn could not start: ' + (($shell.Streams.Error | ForEach-Object { $_.ToString() }) -join '; ')
        }
    }
    catch {
        $answer.stdErr = "GuestStandIn could not start: $($_.Exception.Message)"
    }
    finally {
        if ($null -ne $shell) { $shell.Dispose() }
        $runspace.Dispose()
    }
    [Console]::Out.WriteLine('GUESTSTANDIN-DONE ' + (ConvertTo-Json -InputObject $answer -Compress))
    [Console]::Out.Flush()
}
