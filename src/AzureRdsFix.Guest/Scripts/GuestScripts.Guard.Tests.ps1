# Guards the in-guest scripts: Windows PowerShell 5.1 syntax only, and Windows touched only through the guest surface
# (DESIGN.md "In-guest scripts"). Every guest script (a *.ps1 here whose first line is its AZRDSFIX-SCRIPT header) is
# checked as composed (its include lines replaced by the shared helpers), which is the text the guest receives; every
# embedded file (scripts and *.Include.ps1) must be ASCII.

BeforeDiscovery {
    $guestScripts = @(Get-ChildItem -Path $PSScriptRoot -Filter '*.ps1' |
            Where-Object { $_.Name -notlike '*.Tests.ps1' -and $_.Name -notlike '*.TestHelpers.ps1' -and $_.Name -notlike '*.Include.ps1' } |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    $embeddedFiles = @(Get-ChildItem -Path $PSScriptRoot -Filter '*.ps1' |
            Where-Object { $_.Name -notlike '*.Tests.ps1' -and $_.Name -notlike '*.TestHelpers.ps1' } |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'GuestFixture.TestHelpers.ps1')
    $script:AllowedCommands = @(
        # guest surface
        'Get-ItemProperty', 'Set-ItemProperty', 'New-ItemProperty', 'Remove-ItemProperty', 'New-Item', 'Test-Path',
        'Get-CimInstance', 'Invoke-CimMethod', 'Get-WindowsFeature', 'Uninstall-WindowsFeature',
        'Resolve-DnsName', 'Test-NetConnection', 'Get-WinEvent', 'Get-Service', 'Restart-Service',
        # plain language cmdlets
        'ConvertTo-Json', 'Write-Output', 'Where-Object', 'Select-Object', 'ForEach-Object', 'Sort-Object', 'Get-Date',
        'New-Object', 'Set-StrictMode'
    )
    $script:BannedText = @(
        @{ Pattern = '(?i)\breg(\.exe)?\s+(add|delete|query|import|export|load|copy)\b'; Why = 'reg.exe' },
        @{ Pattern = '(?i)\bdism(\.exe)?\b'; Why = 'dism' },
        @{ Pattern = '(?i)Get-WmiObject|\bgwmi\b'; Why = 'Get-WmiObject' },
        @{ Pattern = '(?i)Microsoft\.Win32\.Registry'; Why = '[Microsoft.Win32.Registry]' },
        @{ Pattern = '(?i)System\.Net\.Sockets|\bNet\.Sockets\b'; Why = 'System.Net.Sockets' }
    )
    # The two .NET calls the surface cannot make otherwise, each inside one small wrapper that the stand-in mocks
    # (GuestHelpers.Include.ps1): the 64-bit registry view for a 32-bit host, and a TCP connect bounded by a timeout.
    $script:Wrappers = @{ 'Open-RegistryBaseKey64' = 'Microsoft.Win32.Registry'; 'Connect-TcpPort' = 'System.Net.Sockets' }

    function Get-GuardViolations {
        # Returns one sentence per violation found in the script text.
        param([string] $Text, [string] $Name = 'script')
        $tokens = $null
        $parseErrors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref]$tokens, [ref]$parseErrors)
        $violations = New-Object System.Collections.Generic.List[string]
        foreach ($parseError in $parseErrors) { $violations.Add("${Name}: parse error: $($parseError.Message)") }

        $definitions = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true))
        $functions = @($definitions | ForEach-Object { $_.Name })
        # Text outside the wrappers: a banned name may appear only inside the one wrapper allowed to use it.
        $outside = $Text
        foreach ($definition in ($definitions | Where-Object { $script:Wrappers.ContainsKey($_.Name) } | Sort-Object { $_.Extent.StartOffset } -Descending)) {
            $body = $definition.Extent.Text
            $outside = $outside.Substring(0, $definition.Extent.StartOffset) + ($body -replace [regex]::Escape($script:Wrappers[$definition.Name]), 'ALLOWED') + $outside.Substring($definition.Extent.EndOffset)
        }
        $nodes = $ast.FindAll({ $true }, $true)
        foreach ($node in $nodes) {
            $line = $node.Extent.StartLineNumber
            $typeName = $node.GetType().Name
            if ($typeName -eq 'TernaryExpressionAst') { $violations.Add("${Name}:${line}: ternary ?: is PowerShell 7 only") }
            if ($typeName -eq 'PipelineChainAst') { $violations.Add("${Name}:${line}: pipeline chain && / || is PowerShell 7 only") }
            if ($node -is [System.Management.Automation.Language.BinaryExpressionAst] -and $node.Operator.ToString() -eq 'QuestionQuestion') {
                $violations.Add("${Name}:${line}: ?? is PowerShell 7 only")
            }
            if ($node -is [System.Management.Automation.Language.AssignmentStatementAst] -and $node.Operator.ToString() -eq 'QuestionQuestionEquals') {
                $violations.Add("${Name}:${line}: ??= is PowerShell 7 only")
            }
            if ($node -is [System.Management.Automation.Language.MemberExpressionAst] -and $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) {
                $violations.Add("${Name}:${line}: ?. is PowerShell 7 only")
            }
            if ($node -is [System.Management.Automation.Language.IndexExpressionAst] -and $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) {
                $violations.Add("${Name}:${line}: ?[] is PowerShell 7 only")
            }
            if ($node -is [System.Management.Automation.Language.CommandAst]) {
                $command = $node.GetCommandName()
                if ($null -eq $command) {
                    $violations.Add("${Name}:${line}: dynamic command invocation ($($node.Extent.Text))")
                }
                elseif ($functions -notcontains $command -and $script:AllowedCommands -notcontains $command) {
                    $violations.Add("${Name}:${line}: command '$command' is outside the guest surface")
                }
            }
            if ($node -is [System.Management.Automation.Language.TypeExpressionAst] -or $node -is [System.Management.Automation.Language.TypeConstraintAst]) {
                $type = $node.TypeName.FullName
                $wrapper = $node.Parent
                while ($null -ne $wrapper -and $wrapper -isnot [System.Management.Automation.Language.FunctionDefinitionAst]) { $wrapper = $wrapper.Parent }
                $allowed = $null -ne $wrapper -and $script:Wrappers.ContainsKey($wrapper.Name) -and $type -like ($script:Wrappers[$wrapper.Name] + '*')
                if (-not $allowed -and $type -match '(?i)Microsoft\.Win32\.Registry|System\.Net\.Sockets|^Net\.Sockets') { $violations.Add("${Name}:${line}: type [$type] is banned") }
            }
        }
        foreach ($banned in $script:BannedText) {
            if ($outside -match $banned.Pattern) { $violations.Add("${Name}: uses $($banned.Why)") }
        }
        return , $violations.ToArray()
    }
}

Describe 'Guest script guard' {
    Context '<Name>' -ForEach $guestScripts {
        It 'parses, uses 5.1 syntax and stays on the guest surface, as composed' {
            $text = Get-ComposedScriptText -Name $Name
            $text | Should -Not -Match '(?m)^#AZRDSFIX-INCLUDE'
            # ParseFile on the composed file is the contract; ParseInput on the same text reports the same errors.
            $tokens = $null
            $parseErrors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseFile((Get-GuestScriptPath -Name $Name), [ref]$tokens, [ref]$parseErrors)
            $parseErrors.Count | Should -Be 0
            Get-GuardViolations -Text $text -Name $Name | Should -BeNullOrEmpty
        }

        It 'includes the shared helpers instead of its own copy' {
            (Get-Content -Raw -Path $Path) | Should -Match '(?m)^#AZRDSFIX-INCLUDE GuestHelpers\.Include\.ps1\r?$'
            (Get-ComposedScriptText -Name $Name) | Should -Match '(?m)^function ConvertTo-SafeText \{'
            @([regex]::Matches((Get-ComposedScriptText -Name $Name), '(?m)^function ConvertTo-SafeText \{')).Count | Should -Be 1
        }

        It 'starts with its AZRDSFIX-SCRIPT header and sets strict mode and Stop' {
            $lines = (Get-ComposedScriptText -Name $Name) -split "`n"
            $lines[0] | Should -Match '\A# AZRDSFIX-SCRIPT [A-Za-z-]+ v\d+\z'
            $lines[0] | Should -Be ('# AZRDSFIX-SCRIPT {0} v1' -f [System.IO.Path]::GetFileNameWithoutExtension($Path))
            ($lines -join "`n") | Should -Match '(?m)^Set-StrictMode -Version Latest$'
            ($lines -join "`n") | Should -Match '(?m)^\$ErrorActionPreference = ''Stop''$'
        }

    }

    Context 'embedded file <Name>' -ForEach $embeddedFiles {
        It 'is ASCII only (Windows PowerShell 5.1 reads a BOM-less file as ANSI)' {
            $bytes = [System.IO.File]::ReadAllBytes($Path)
            @($bytes | Where-Object { $_ -gt 127 }).Count | Should -Be 0
        }
    }

    Context 'the guard itself' {
        It 'flags <Why>' -ForEach @(
            @{ Why = 'a ternary'; Text = '$a = $true ? 1 : 2'; Expect = 'ternary' }
            @{ Why = 'null coalescing'; Text = '$a = $b ?? 1'; Expect = '\?\? is' }
            @{ Why = 'null-coalescing assignment'; Text = '$a ??= 1'; Expect = '\?\?=' }
            @{ Why = 'null-conditional member access'; Text = '$a = ${b}?.Length'; Expect = '\?\.' }
            @{ Why = 'a pipeline chain'; Text = 'Test-Path -Path x && Write-Output y'; Expect = 'pipeline chain' }
            @{ Why = 'reg.exe'; Text = 'reg add HKLM\Software\X /v Y /d 1'; Expect = 'reg\.exe' }
            @{ Why = 'dism'; Text = 'dism.exe /online /disable-feature /featurename:x'; Expect = 'uses dism' }
            @{ Why = 'Get-WmiObject'; Text = 'Get-WmiObject -Class Win32_TerminalServiceSetting'; Expect = 'uses Get-WmiObject' }
            @{ Why = 'the .NET registry API'; Text = '[Microsoft.Win32.Registry]::LocalMachine'; Expect = 'type \[Microsoft.Win32.Registry\] is banned' }
            @{ Why = 'raw sockets'; Text = '$c = New-Object System.Net.Sockets.TcpClient'; Expect = 'System.Net.Sockets' }
            @{ Why = 'a command outside the surface'; Text = 'Invoke-Expression $x'; Expect = 'Invoke-Expression.*outside' }
            @{ Why = 'a dynamic command'; Text = '& $command'; Expect = 'dynamic command' }
            @{ Why = 'a parse error'; Text = 'function f( {'; Expect = 'parse error' }
        ) {
            (Get-GuardViolations -Text $Text) -join "`n" | Should -Match $Expect
        }

        It 'flags <Why> outside its wrapper' -ForEach @(
            @{ Why = 'the registry API in another function'; Text = 'function Get-X { [Microsoft.Win32.RegistryKey]::OpenBaseKey(''LocalMachine'', ''Registry64'') }' }
            @{ Why = 'sockets in the registry wrapper'; Text = 'function Open-RegistryBaseKey64 { New-Object System.Net.Sockets.TcpClient }' }
            @{ Why = 'sockets at script level'; Text = '$c = New-Object System.Net.Sockets.TcpClient' }
        ) {
            Get-GuardViolations -Text $Text | Should -Not -BeNullOrEmpty
        }

        It 'accepts each .NET call inside its own wrapper' {
            $text = "function Open-RegistryBaseKey64 { return [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64) }`n" +
                "function Connect-TcpPort { param([System.Net.IPAddress] `$Address) `$c = New-Object System.Net.Sockets.TcpClient(`$Address.AddressFamily); `$c.Close() }"
            Get-GuardViolations -Text $text | Should -BeNullOrEmpty
        }

        It 'accepts plain 5.1 code on the surface' {
            $text = "function Get-X { param([string] `$P) if (Test-Path -Path `$P) { Get-ItemProperty -Path `$P } }`nGet-X -P 'HKLM:\\X' | ConvertTo-Json -Compress"
            Get-GuardViolations -Text $text | Should -BeNullOrEmpty
        }
    }
}
