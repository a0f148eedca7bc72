#!/usr/bin/env bash
# First run: pack the LockDiscipline package, build samples/QuickStart against it the way a user
# would (PackageReference), and show that the build fails with LD0001 on its lock-order inversion.
# Exits 0 when the build failed with LD0001 as intended, non-zero otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages="$root/artifacts/packages"
log="$root/artifacts/quickstart-build.log"
mkdir -p "$packages"

echo "==> Packing the LockDiscipline packages and the lockdiscipline tool into artifacts/packages"
if ! dotnet pack nuget/LockDiscipline.Package.csproj -c Release -o "$packages" -nologo -v:q -tl:off; then
  echo "quickstart: packing failed (see the errors above); nothing was built." >&2
  exit 2
fi

# The lockdiscipline tool (baseline, SARIF, lock graph: docs/adoption.md) goes beside the packages.
if ! dotnet pack Cli/LockDiscipline.Cli.csproj -c Release -o "$packages" -nologo -v:q -tl:off; then
  echo "quickstart: packing the lockdiscipline tool failed (see the errors above)." >&2
  exit 2
fi

# The package is re-packed with the same version on every change: drop the samples-local package
# folder so restore extracts the package just packed, never an older copy.
rm -rf samples/.packages

echo "==> Building samples/QuickStart (it has a lock-order inversion on purpose)"
set +e
dotnet build samples/QuickStart/QuickStart.csproj --no-incremental -nologo -v:q -tl:off >"$log" 2>&1
status=$?
set -e

# MSBuild prints each diagnostic twice (as it happens and in the summary) and appends the project
# path; show each LD diagnostic once, with paths relative to the repository root.
strip() { sed -e 's/ \[[^]]*\]$//' -e "s|^$root/||" | awk '!seen[$0]++'; }
ld_errors="$(grep -E ': error LD[0-9]{4}:' "$log" | strip || true)"

if [[ -n "$ld_errors" ]]; then
  echo "$ld_errors"
fi

if [[ $status -ne 0 ]] && grep -qE ': error LD0001:' <<<"$ld_errors"; then
  echo "quickstart: OK - the build failed with LD0001 as intended: LockDiscipline found the ABBA lock-order inversion in samples/QuickStart/Bank.cs."
  exit 0
fi

if [[ $status -eq 0 ]]; then
  echo "quickstart: FAILED - samples/QuickStart built without error: no LD0001 was reported for its lock-order inversion." >&2
else
  grep -E ': (error|warning) ' "$log" | strip >&2 || true
  echo "quickstart: FAILED - the build failed, but not with LD0001 (full log: artifacts/quickstart-build.log)." >&2
fi
exit 1
