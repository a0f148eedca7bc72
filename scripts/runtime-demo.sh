#!/usr/bin/env bash
# The runtime half: pack the LockDiscipline package, build samples/RuntimeDemo against it the way a user
# would (PackageReference, nothing else), and run it twice.
#   Debug:   the package's generated checks print three lockdep reports (circular locking dependency,
#            inconsistent lock state, bad unlock balance) naming the [LockClass] classes and the
#            Device.cs lines, and the program keeps running to "done".
#   Release: no generated checks in the assembly, no report, and the program still runs to "done".
# Exits 0 when both behave so, non-zero otherwise (2 when packing or a build fails).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages="$root/artifacts/packages"
project="samples/RuntimeDemo/RuntimeDemo.csproj"
source_file="samples/RuntimeDemo/Device.cs"
mkdir -p "$packages"

echo "==> Packing the LockDiscipline package into artifacts/packages"
if ! dotnet pack nuget/LockDiscipline.Package.csproj -c Release -o "$packages" -nologo -v:q -tl:off; then
  echo "runtime-demo: packing failed (see the errors above); nothing was built." >&2
  exit 2
fi

# The package is re-packed with the same version on every change: drop the samples-local package
# folder so restore extracts the package just packed, never an older copy.
rm -rf samples/.packages

failures=0
fail() {
  echo "runtime-demo: FAILED - $*" >&2
  failures=$((failures + 1))
}

# build_and_run CONFIG: builds the demo in CONFIG and runs it; its output (standard output and error,
# in the order written) is left in artifacts/runtime-demo-CONFIG.log and its exit code in $run_status.
build_and_run() {
  local config="$1"
  local build_log="$root/artifacts/runtime-demo-$config-build.log"
  echo "==> Building samples/RuntimeDemo in $config"
  if ! dotnet build "$project" -c "$config" --no-incremental -nologo -v:q -tl:off >"$build_log" 2>&1; then
    grep -E ': (error|warning) ' "$build_log" | sed -e 's/ \[[^]]*\]$//' -e "s|^$root/||" | awk '!seen[$0]++' >&2 || true
    echo "runtime-demo: the $config build failed (full log: artifacts/runtime-demo-$config-build.log)." >&2
    exit 2
  fi
  if grep -qE ': warning ' "$build_log"; then
    grep -E ': warning ' "$build_log" | sed -e 's/ \[[^]]*\]$//' -e "s|^$root/||" | awk '!seen[$0]++' >&2
    fail "the $config build has warnings"
  fi

  echo "==> Running samples/RuntimeDemo ($config)"
  run_log="$root/artifacts/runtime-demo-$config.log"
  set +e
  dotnet run --project "$project" -c "$config" --no-build >"$run_log" 2>&1
  run_status=$?
  set -e
  cat "$run_log"
  if [[ $run_status -ne 0 ]]; then
    fail "the $config run exited with $run_status"
  fi
}

# The line of Device.cs whose comment says what the checks do there ("// runtime: TEXT").
marker_line() {
  grep -nF "// runtime: $1" "$source_file" | head -n 1 | cut -d: -f1
}

# line_of PATTERN: the first line of the run's output holding PATTERN (fixed string), or empty.
line_of() {
  grep -nF -- "$1" "$run_log" | head -n 1 | cut -d: -f1
}

# The program printed every scenario's "before" and "after" line, in order, and "done" last.
check_kept_running() {
  local config="$1" previous=0 n line
  for n in 1 2 3; do
    for line in "[$n/3] before:" "[$n/3] after: still running"; do
      local at
      at="$(line_of "$line")"
      if [[ -z "$at" || "$at" -le "$previous" ]]; then
        fail "$config: '$line' is missing or out of order"
        return
      fi
      previous="$at"
    done
  done
  if [[ "$(grep -v '^[[:space:]]*$' "$run_log" | tail -n 1)" != "done" ]]; then
    fail "$config: the last line is not 'done'"
  fi
}

# check_report N TITLE CLASS... -- SITE...: the report TITLE appears once, between scenario N's
# "before" and "after" lines, and its text names every CLASS and every SITE (Device.cs:LINE).
check_report() {
  local n="$1" title="$2"
  shift 2
  local count start end before after
  count="$(grep -cxF -- "$title" "$run_log" || true)"
  if [[ "$count" -ne 1 ]]; then
    fail "Debug: '$title' printed $count times, expected once"
    return
  fi
  start="$(line_of "$title")"
  before="$(line_of "[$n/3] before:")"
  after="$(line_of "[$n/3] after:")"
  if [[ -z "$before" || -z "$after" || "$start" -le "$before" || "$start" -ge "$after" ]]; then
    fail "Debug: '$title' is not between the '[$n/3] before' and '[$n/3] after' lines"
    return
  fi
  # The report: from its title to the scenario's "after" line.
  local report
  report="$(sed -n "${start},$((after - 1))p" "$run_log")"
  local word
  for word in "$@"; do
    if ! grep -qF -- "$word" <<<"$report"; then
      fail "Debug: the '$title' report does not mention $word"
    fi
  done
}

build_and_run Debug
circular_line="$(marker_line "WARNING: possible circular locking dependency detected")"
held_line="$(marker_line "dev_stats_mutex held for the reverse order")"
first_order_line="$(marker_line "dev_config_mutex -> dev_stats_mutex, the first order")"
irq_line="$(marker_line "WARNING: inconsistent lock state")"
irq_on_line="$(marker_line "{HARDIRQ-ON-W} taken with hard IRQs on")"
unlock_line="$(marker_line "WARNING: bad unlock balance detected!")"

grep -qF "generated checks: present" "$run_log" || fail "Debug: the demo found no generated checks in its assembly"
check_report 1 "WARNING: possible circular locking dependency detected" \
  "(dev_config_mutex)" "(dev_stats_mutex)" \
  "Device.CollectStats (Device.cs:$circular_line)" "Device.CollectStats (Device.cs:$held_line)" "Device.Reconfigure (Device.cs:$first_order_line)"
check_report 2 "WARNING: inconsistent lock state" \
  "(dev_fault_lock)" "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage." \
  "Device.FaultInterrupt (Device.cs:$irq_line)" "Device.ClearFaults (Device.cs:$irq_on_line)"
check_report 3 "WARNING: bad unlock balance detected!" \
  "(dev_reset_mutex)" "Device.FinishReset (Device.cs:$unlock_line)"
grep -qF "KMutex.Unlock threw" "$run_log" && fail "Debug: the bad unlock reached the KMutex (the check should have skipped it)"
check_kept_running Debug

build_and_run Release
grep -qF "generated checks: none" "$run_log" || fail "Release: the demo's assembly contains generated checks"
if grep -qE '^(WARNING|BUG): ' "$run_log"; then
  fail "Release: a lockdep report was printed"
fi
check_kept_running Release

if [[ $failures -ne 0 ]]; then
  echo "runtime-demo: FAILED - $failures check(s) failed (outputs: artifacts/runtime-demo-Debug.log, artifacts/runtime-demo-Release.log)." >&2
  exit 1
fi

echo
echo "runtime-demo: OK - in Debug the generated checks reported the circular locking dependency, the inconsistent"
echo "lock state and the bad unlock balance at their Device.cs lines, and the program kept running to 'done';"
echo "in Release the assembly has no generated checks and printed no report (outputs: artifacts/runtime-demo-*.log)."
