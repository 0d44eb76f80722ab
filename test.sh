#!/usr/bin/env bash
# Every test of the project: the C# suites (xunit), the Pester suites of the in-guest scripts, and the Bicep lint.
# Needs only the .NET SDK: the PowerShell tool, Pester and Bicep come from NuGet through the restore below.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '\n== %s ==\n' "$*"; }
fail() { echo "test.sh: $*" >&2; exit 1; }

step "restore (packages, pwsh tool, Pester, Bicep)"
dotnet tool restore >/dev/null || fail "dotnet tool restore failed"
dotnet restore AzureRdsFix.sln --verbosity quiet || fail "dotnet restore failed"

step "build"
dotnet build AzureRdsFix.sln --no-restore -c Release --verbosity quiet -nologo || fail "the build failed"

passed=0; failed=0
step "C# tests"
log=$(mktemp)
dotnet test AzureRdsFix.sln --no-build -c Release --verbosity quiet -nologo 2>&1 | tee "$log"
csharp_status=${PIPESTATUS[0]}
while read -r f p; do failed=$((failed + f)); passed=$((passed + p)); done < <(
  sed -nE 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\1 \2/p' "$log")
grep -qE 'Passed: *[0-9]+' "$log" || { echo "No C# test results were printed." >&2; csharp_status=1; }

step "Pester tests (in-guest scripts)"
plog=$(mktemp)
dotnet tool run pwsh -NoProfile -NonInteractive -File tests/pester/Invoke-Pester.ps1 2>&1 | tee "$plog"
pester_status=${PIPESTATUS[0]}
if read -r p f < <(sed -nE 's/^Pester: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$plog" | tail -n 1); then
  passed=$((passed + p)); failed=$((failed + f))
else
  echo "Pester printed no result line." >&2; pester_status=1
fi

bicep_status=0
if compgen -G "infra/*.bicep" >/dev/null; then
  step "Bicep lint"
  bicep=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64" -path '*/tools/bicep' 2>/dev/null | sort | tail -n 1)
  [ -n "$bicep" ] || fail "the Bicep CLI was not restored"
  [ -x "$bicep" ] || chmod +x "$bicep" || fail "the Bicep CLI at $bicep is not executable"
  # Offline: no registry modules are used, so lint and build need no network. A file passes when it compiles and the
  # linter (rules in infra/bicepconfig.json) reports nothing: bicep exits 0 on warnings, so its output is checked too.
  bicep_out=$(mktemp -d)
  for f in infra/*.bicep; do
    diag=$("$bicep" lint "$f" 2>&1 && "$bicep" build "$f" --outdir "$bicep_out" 2>&1); rc=$?
    [ -n "$diag" ] && printf '%s\n' "$diag"
    if [ "$rc" -eq 0 ] && ! grep -qE ' : (Warning|Error) ' <<<"$diag"; then
      echo "bicep: $f ok"; passed=$((passed + 1))
    else
      echo "bicep: $f FAILED" >&2; failed=$((failed + 1)); bicep_status=1
    fi
  done
  rm -rf "$bicep_out"
fi

echo
echo "Tests: ${passed} passed, ${failed} failed"
[ "$csharp_status" -eq 0 ] && [ "$pester_status" -eq 0 ] && [ "$bicep_status" -eq 0 ] && [ "$failed" -eq 0 ]
