#!/usr/bin/env bash
# The runtime half: pack the LockDiscipline package, build samples/RuntimeDemo against it the way a user
# would (PackageReference, nothing else), and run it twice.
#   Debug:   the package's generated checks print three lockdep reports (circular locking dependency,
#            inconsistent lock state, bad unlock balance) naming the [LockClass] classes and the
#            Device.cs lines, and the program keeps running to "done"; the bad unlock, after its
#            report, throws what it throws in Release, and the demo prints the exception.
#   Release: no generated checks in the assembly, no report, the same exception, and the program still
#            runs to "done".
# Whether both behave so is for the demo's tests to say (tests/LockDiscipline.Package.Tests,
# RuntimeDemoTests), which this script runs. Exits 0 when they pass, 1 when they fail, 2 when packing
# or a build fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages="$root/artifacts/packages"
project="samples/RuntimeDemo/RuntimeDemo.csproj"
mkdir -p "$packages"

echo "==> Packing the LockDiscipline package into artifacts/packages"
if ! dotnet pack nuget/LockDiscipline.Package.csproj -c Release -o "$packages" -nologo -v:q -tl:off; then
  echo "runtime-demo: packing failed (see the errors above); nothing was built." >&2
  exit 2
fi

# The package is re-packed with the same version on every change: drop the samples-local package
# folder so restore extracts the package just packed, never an older copy.
rm -rf samples/.packages

# build_and_run CONFIG: builds the demo in CONFIG and runs it, showing its output (standard output and
# error, in the order written; also in artifacts/runtime-demo-CONFIG.log).
build_and_run() {
  local config="$1"
  local build_log="$root/artifacts/runtime-demo-$config-build.log"
  echo "==> Building samples/RuntimeDemo in $config"
  if ! dotnet build "$project" -c "$config" --no-incremental -nologo -v:q -tl:off >"$build_log" 2>&1; then
    grep -E ': (error|warning) ' "$build_log" | sed -e 's/ \[[^]]*\]$//' -e "s|^$root/||" | awk '!seen[$0]++' >&2 || true
    echo "runtime-demo: the $config build failed (full log: artifacts/runtime-demo-$config-build.log)." >&2
    exit 2
  fi

  echo "==> Running samples/RuntimeDemo ($config)"
  dotnet run --project "$project" -c "$config" --no-build >"$root/artifacts/runtime-demo-$config.log" 2>&1 || true
  cat "$root/artifacts/runtime-demo-$config.log"
}

build_and_run Debug
build_and_run Release

echo
echo "==> Checking the demo: tests/LockDiscipline.Package.Tests, RuntimeDemoTests"
if ! dotnet test tests/LockDiscipline.Package.Tests --filter "FullyQualifiedName~LockDiscipline.Package.Tests.RuntimeDemoTests" -nologo -v:q --logger "console;verbosity=normal"; then
  echo "runtime-demo: FAILED - the tests above say what the demo did not do (outputs: artifacts/runtime-demo-*.log)." >&2
  exit 1
fi

echo
echo "runtime-demo: OK - in Debug the generated checks reported the circular locking dependency, the inconsistent"
echo "lock state and the bad unlock balance at their Device.cs lines, and the program kept running to 'done';"
echo "in Release the assembly has no generated checks and printed no report; both printed the same exception for"
echo "the bad unlock (outputs: artifacts/runtime-demo-*.log)."
