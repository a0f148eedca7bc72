#!/bin/sh
# Instructions per call of the nesting and woven lock statement benchmarks' cases, counted by callgrind: the run with COUNT calls
# minus the run with none, divided by COUNT, less the harness (the "Empty" case). Counts do not depend on
# the machine's load, unlike times.
# Usage: ./count.sh [COUNT] [CASE...]   (publishes first; COUNT defaults to 100000)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
count=${1:-100000}
[ $# -gt 0 ] && shift
cases=${*:-"BareLock LockChecksOn KMutexChecksOff KMutexChecksOn BareMonitor MonitorChecksOn BareLockStatement WovenLockStatement BareLockStatementOnLock WovenLockStatementOnLock"}
dotnet publish -c Release -r linux-x64 "$here" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Without its DWARF sections, which this valgrind cannot read; the symbol table stays, so profiles name functions.
exe=$out/InstructionCounts
objcopy --strip-debug "$here/bin/Release/net10.0/linux-x64/publish/LockDiscipline.Runtime.InstructionCounts" "$exe"
instructions() {
  # Only the main thread, where the calls run: the runtime's own threads wake up on timers.
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out/cg" "$exe" "$1" "$2" "$3" >/dev/null 2>&1
  sed -n 's/^summary: //p' "$out/cg-01"
  rm -f "$out"/cg "$out"/cg-*
}
per_call() {
  none=$(instructions "$1" "$2" 0)
  some=$(instructions "$1" "$2" "$count")
  echo $(( (some - none) / count ))
}
printf '%-16s %5s %12s\n' case depth instructions
for depth in 1 10; do
  harness=$(per_call Empty "$depth")
  for name in $cases; do
    printf '%-16s %5s %12s\n' "$name" "$depth" "$(( $(per_call "$name" "$depth") - harness ))"
  done
done
