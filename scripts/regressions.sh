#!/usr/bin/env bash
# The five IOMMU regressions of 2022, caught at compile time: builds samples/Regressions (the broken
# upstream code, reduced to the IommuCore paths involved) with the LockDiscipline analyzer, prints each
# caught regression next to its seed mail's subject, and checks that the build reported exactly the
# diagnostics the sources mark with `// expect LDxxxx`; then runs the same broken paths under the
# generated runtime checks (scripts/runtime-lockdep.sh). `--compile-only` stops after the first half.
# Exits 0 when both halves did, 1 when a diagnostic is missing or unexpected, 2 when a build could not run
# (the runtime half's codes are runtime-lockdep.sh's).
set -euo pipefail

compile_only=false
if [[ "${1:-}" == "--compile-only" ]]; then
  compile_only=true
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sample="samples/Regressions"
log="$root/artifacts/regressions-build.log"
mkdir -p "$root/artifacts"

# Compile the sample every time (a build with only warnings would otherwise be skipped next time and
# print nothing), without the compiler server, which may keep an older analyzer loaded.
rm -rf "$sample/bin" "$sample/obj/Debug"

echo "==> Building $sample (the broken code of five regressions: the build is expected to fail)"
set +e
dotnet build "$sample/Regressions.csproj" -nologo -v:q -tl:off -p:UseSharedCompilation=false >"$log" 2>&1
status=$?
set -e

# MSBuild prints each diagnostic twice and appends the project; keep one copy of each LD diagnostic as
# "file<TAB>line<TAB>id<TAB>message", the file name without its folder.
actual="$(grep -E '\([0-9]+,[0-9]+\): (error|warning) LD[0-9]{4}:' "$log" \
  | sed -E -e 's/ \[[^]]*\]$//' -e 's/ \(https?:[^)]*\)$//' \
  | sed -E 's#^(.*/)?([^/]+\.cs)\(([0-9]+),[0-9]+\): (error|warning) (LD[0-9]{4}): (.*)$#\2\t\3\t\5\t\6#' \
  | awk -F'\t' '!seen[$1 FS $2 FS $3]++' | sort -t$'\t' -k1,1 -k2,2n || true)"

if [[ -z "$actual" ]] && ! grep -qE ': error ' "$log"; then
  if [[ $status -ne 0 ]]; then
    tail -n 30 "$log" >&2
    echo "regressions: FAILED - the build did not run (full log: artifacts/regressions-build.log)." >&2
    exit 2
  fi
fi

# Expected: "file<TAB>line<TAB>id<TAB>names" for every `// expect LDxxxx 'class' ...` marker; the
# message must name each quoted lock class (or member).
expected="$(for f in "$sample"/*.cs; do
  awk -v file="$(basename "$f")" 'match($0, /\/\/ expect LD[0-9][0-9][0-9][0-9]/) {
      id = substr($0, RSTART + 10, 6); names = substr($0, RSTART + RLENGTH); sub(/^ +/, "", names)
      print file "\t" FNR "\t" id "\t" names }' "$f"
done | sort -t$'\t' -k1,1 -k2,2n)"

# Whether message $1 names every quoted name in $2.
names_all() {
  local message="$1" names="$2" name
  while IFS= read -r name; do
    [[ -z "$name" || "$message" == *"$name"* ]] || return 1
  done < <(grep -oE "'[^']+'" <<<"$names" || true)
}

missing=0
unexpected=0
for f in "$sample"/[0-9][0-9][0-9]_*.cs; do
  name="$(basename "$f")"
  seed="${name%%_[A-Z]*}"
  subject="$(sed -n 's|^// Subject: ||p' "$f" | head -n 1)"
  echo
  echo "$seed  $subject"
  while IFS=$'\t' read -r file line id message; do
    [[ "$file" == "$name" ]] || continue
    marker="$(awk -F'\t' -v f="$file" -v l="$line" -v i="$id" '$1 == f && $2 == l && $3 == i { print $4; found = 1 } END { exit !found }' <<<"$expected")" && known=1 || known=0
    if [[ $known -eq 1 ]] && names_all "$message" "$marker"; then
      mark="caught"
    elif [[ $known -eq 1 ]]; then
      mark="WRONG-CLASSES (expected $marker)"
      unexpected=$((unexpected + 1))
    else
      mark="UNEXPECTED"
      unexpected=$((unexpected + 1))
    fi
    echo "  $mark  $id  $file:$line"
    echo "          $message"
  done <<<"$actual"
  while IFS=$'\t' read -r file line id _; do
    [[ "$file" == "$name" ]] || continue
    if ! cut -f1-3 <<<"$actual" | grep -qxF "$file"$'\t'"$line"$'\t'"$id"; then
      echo "  MISSING  $id  $file:$line"
      missing=$((missing + 1))
    fi
  done <<<"$expected"
done

# Diagnostics in files that are not seeds count as unexpected too.
others="$(grep -vE '^[0-9]{3}_' <<<"$actual" || true)"
if [[ -n "$others" ]]; then
  echo
  echo "outside the seed files:"
  sed 's/^/  UNEXPECTED  /' <<<"$others"
  unexpected=$((unexpected + $(wc -l <<<"$others")))
fi

echo
total="$(grep -c . <<<"$expected" || true)"
if [[ $missing -eq 0 && $unexpected -eq 0 && $status -ne 0 ]]; then
  echo "regressions: OK - the build failed with exactly the $total expected diagnostics: all five regressions caught."
  if [[ "$compile_only" == true ]]; then
    exit 0
  fi

  # The same broken paths at run time, under the generated checks: one command shows both halves.
  echo
  exec bash "$root/scripts/runtime-lockdep.sh"
fi

echo "regressions: FAILED - $missing expected diagnostic(s) missing, $unexpected unexpected (full log: artifacts/regressions-build.log)." >&2
exit 1
