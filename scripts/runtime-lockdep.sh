#!/usr/bin/env bash
# The five IOMMU regressions of 2022, caught at run time: builds samples/RuntimeLockdep in Debug (the
# generator's runtime lockdep checks on) and runs it. Each regression's broken code path runs on real
# threads, one acquisition order after the other so nothing deadlocks, in a process of its own, and the
# engine's report is printed next to the seed's splat; IommuCore's fixed scenarios run the same way.
# Exits 0 iff each broken scenario produced only reports of its expected kind, naming its classes:
#   000 circular dependency (dmar_global_lock, &group->mutex)
#   001 inconsistent lock state (&k->k_lock)
#   002 lockdep_assert_held failed (iommu_probe_device_lock): the race itself is no lock event
#   003 circular dependency (&(&priv->bus_notifier)->rwsem, cpu_hotplug_lock, cpuhp_state-up)
#   004 bad unlock balance (&dev->dma_owner)
# and the fixed scenarios produced none; 1 otherwise, 2 when the build fails.
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
set +e
dotnet run --project "$project" -c Debug --no-build >"$run_log" 2>&1
status=$?
set -e
cat "$run_log"

failures=0
fail() {
  echo "runtime-lockdep: FAILED - $*" >&2
  failures=$((failures + 1))
}

# The output of scenario ID: from its "[ID] " header to the next header (or the verdicts).
block() {
  awk -v id="[$1] " 'index($0, id) == 1 { on = 1; print; next } on && /^(\[(00[0-9]|fixed)\] |result \[)/ { exit } on { print }' "$run_log"
}

# check ID KIND CLASS...: the scenario's reports are all of KIND, there is at least one, and the
# report text names every CLASS as lockdep prints it, "(CLASS)".
check() {
  local id="$1" kind="$2" text reports others class
  shift 2
  text="$(block "$id")"
  reports="$(grep -c "^lockdep-report \[$id\]: " <<<"$text" || true)"
  others="$(grep "^lockdep-report \[$id\]: " <<<"$text" | grep -vc "^lockdep-report \[$id\]: $kind: " || true)"
  if [[ "$reports" -eq 0 ]]; then
    fail "[$id] printed no lockdep report (expected $kind)"
    return
  fi
  if [[ "$others" -ne 0 ]]; then
    fail "[$id] printed $others report(s) of another kind than $kind"
  fi
  for class in "$@"; do
    grep -qF -- "($class)" <<<"$text" || fail "[$id] the report does not name ($class)"
  done
}

grep -qF "this sample: generated checks: present" "$run_log" || fail "the sample's assembly has no generated checks"
grep -qF "IommuCore: generated checks: present" "$run_log" || fail "IommuCore's assembly has no generated checks"

check 000 CircularDependency "dmar_global_lock" "&group->mutex"
grep -qF "WARNING: possible circular locking dependency detected" <<<"$(block 000)" || fail "[000] no circular dependency title"
check 001 InconsistentLockState "&k->k_lock"
grep -qF "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage." <<<"$(block 001)" || fail "[001] no {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} line"
check 002 LockNotHeld
grep -qF "WARNING: lockdep_assert_held(iommu_probe_device_lock) failed" <<<"$(block 002)" || fail "[002] no failed assertion of iommu_probe_device_lock"
check 003 CircularDependency "&(&priv->bus_notifier)->rwsem" "cpuhp_state-up"
grep -qF "&(&priv->bus_notifier)->rwsem --> cpu_hotplug_lock --> cpuhp_state-up" <<<"$(block 003)" || fail "[003] no three-class chain"
check 004 BadUnlockBalance "&dev->dma_owner"
grep -qF "WARNING: bad unlock balance detected!" <<<"$(block 004)" || fail "[004] no bad unlock balance title"

fixed="$(block fixed)"
if grep -q "^lockdep-report \[fixed\]: " <<<"$fixed"; then
  fail "[fixed] IommuCore's fixed scenarios produced a lockdep report"
fi
if [[ "$(grep -c ': 0 report(s)$' <<<"$fixed" || true)" -ne 6 ]]; then
  fail "[fixed] not all six scenarios ran with 0 reports"
fi

if [[ $status -ne 0 ]]; then
  fail "the sample exited with $status"
fi

echo
if [[ $failures -ne 0 ]]; then
  echo "runtime-lockdep: FAILED - $failures check(s) failed (output: artifacts/runtime-lockdep.log)." >&2
  exit 1
fi

echo "runtime-lockdep: OK - at run time the generated checks reported the circular dependencies of 000 and 003,"
echo "the inconsistent lock state of 001, the unheld iommu_probe_device_lock of 002 and the bad unlock balance"
echo "of 004; IommuCore's fixed scenarios reported nothing (output: artifacts/runtime-lockdep.log)."
