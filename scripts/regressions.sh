#!/usr/bin/env bash
# The five IOMMU regressions of 2022, caught at compile time: builds samples/Regressions (the broken
# upstream code, reduced to the IommuCore paths involved) with the LockDiscipline analyzer and prints,
# under each seed mail's subject, the diagnostics the build reported in that seed's file. Whether they
# are exactly the ones the sources mark with `// expect LDnnnn` is for the tests of that build to say
# (tests/IommuCore.Tests, RegressionsBuildTests), which this script runs. Then the same broken paths
# at run time (scripts/runtime-lockdep.sh); `--compile-only` stops after the first half.
# Exits 0 when the tests of both halves pass, non-zero otherwise.
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
dotnet build "$sample/Regressions.csproj" -nologo -v:q -tl:off -p:UseSharedCompilation=false >"$log" 2>&1 || true

# MSBuild prints each diagnostic twice and appends the project: show each once, without its folder,
# project or help link.
for f in "$sample"/[0-9][0-9][0-9]_*.cs; do
  name="$(basename "$f")"
  echo
  echo "${name%%_[A-Z]*}  $(sed -n 's|^// Subject: ||p' "$f" | head -n 1)"
  grep -F "/$name(" "$log" | grep -E ': (error|warning) LD[0-9]{4}: ' \
    | sed -E -e 's/ \[[^]]*\]$//' -e 's/ \(https?:[^)]*\)$//' -e 's|^[^(]*/||' -e 's/^/  /' | awk '!seen[$0]++' | sort -t'(' -k2,2n || true
done
if ! grep -qE ': (error|warning) LD[0-9]{4}: ' "$log"; then
  tail -n 30 "$log" >&2
  echo "regressions: the build reported no LD diagnostic (full log: artifacts/regressions-build.log)." >&2
fi

echo
echo "==> Checking that build against the sources' markers: tests/IommuCore.Tests, RegressionsBuildTests"
if ! dotnet test tests/IommuCore.Tests --filter "FullyQualifiedName~IommuCore.Tests.RegressionsBuildTests" -nologo -v:q --logger "console;verbosity=normal"; then
  echo "regressions: FAILED - the tests above say which diagnostic is missing or unexpected." >&2
  exit 1
fi
echo "regressions: OK - the build reports exactly the diagnostics the sources mark: all five regressions caught."

if [[ "$compile_only" == true ]]; then
  exit 0
fi

# The same broken paths at run time, under the generated checks: one command shows both halves.
echo
exec bash "$root/scripts/runtime-lockdep.sh"
