#!/usr/bin/env bash
# The five IOMMU regressions of 2022, caught at run time: builds samples/RuntimeLockdep in Debug (the
# generator's runtime lockdep checks on) and runs it. Each regression's broken code path (the same
# samples/Regressions files the compile-time half builds, one assembly per module, all reporting to the
# process's one runtime engine) runs on real threads, one acquisition order
# after the other so nothing deadlocks, in a process of its own, and the engine's report is printed next
# to the seed's splat; IommuCore's fixed scenarios run the same way. What each must report is for the
# tests of that run to say (tests/IommuCore.Tests, RuntimeLockdepSampleTests), which this script runs:
#   000 circular dependency (dmar_global_lock, &group->mutex)
#   001 inconsistent lock state (&k->k_lock)
#   002 lockdep_assert_held failed (iommu_probe_device_lock): the race itself is no lock event
#   003 circular dependency (&(&priv->bus_notifier)->rwsem, cpu_hotplug_lock, cpuhp_state-up)
#   004 bad unlock balance (&dev->dma_owner)
# and the fixed scenarios nothing. Exits 0 when those tests pass, 1 when they fail, 2 when the sample
# does not build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

project="samples/RuntimeLockdep/RuntimeLockdep.csproj"
build_log="$root/artifacts/runtime-lockdep-build.log"
run_log="$root/artifacts/runtime-lockdep.log"
mkdir -p "$root/artifacts"

echo "==> Building samples/RuntimeLockdep (Debug: generated runtime checks on)"
if ! dotnet build "$project" -c Debug -nologo -v:q -tl:off >"$build_log" 2>&1; then
  grep -E ': (error|warning) ' "$build_log" | sed -e 's/ \[[^]]*\]$//' -e "s|^$root/||" | awk '!seen[$0]++' >&2 || true
  echo "runtime-lockdep: the build failed (full log: artifacts/runtime-lockdep-build.log)." >&2
  exit 2
fi

echo "==> Running samples/RuntimeLockdep"
dotnet run --project "$project" -c Debug --no-build >"$run_log" 2>&1 || true
cat "$run_log"

echo
echo "==> Checking that run against the seeds: tests/IommuCore.Tests, RuntimeLockdepSampleTests"
if ! dotnet test tests/IommuCore.Tests --filter "FullyQualifiedName~IommuCore.Tests.RuntimeLockdepSampleTests" -nologo -v:q --logger "console;verbosity=normal"; then
  echo "runtime-lockdep: FAILED - the tests above say which report is missing or wrong (output: artifacts/runtime-lockdep.log)." >&2
  exit 1
fi

echo "runtime-lockdep: OK - at run time the generated checks reported the circular dependencies of 000 and 003,"
echo "the inconsistent lock state of 001, the unheld iommu_probe_device_lock of 002 and the bad unlock balance"
echo "of 004; IommuCore's fixed scenarios reported nothing (output: artifacts/runtime-lockdep.log)."
