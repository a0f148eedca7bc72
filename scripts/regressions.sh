#!/usr/bin/env bash
# The five IOMMU regressions of 2022, caught at compile time: builds samples/Regressions (the broken
# upstream code, reduced to the IommuCore paths involved, split into modules as IommuCore is) module by
# module with the LockDiscipline analyzer and prints, under each seed mail's subject, the diagnostics
# each module's build reported in that seed's files. Whether they are exactly the ones the sources mark
# with `// expect LDnnnn`, module by module, is for the tests of that build to say (tests/IommuCore.Tests,
# RegressionsBuildTests), which this script runs. Then the same broken paths at run time
# (scripts/runtime-lockdep.sh); `--compile-only` stops after the first half.
# Exits 0 when the tests of both halves pass, non-zero otherwise.
set -euo pipefail

compile_only=false
if [[ "${1:-}" == "--compile-only" ]]; then
  compile_only=true
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sample="samples/Regressions"
# Each module after the modules it references (the order RegressionsBuildTests builds them in).
modules=(Cpu Base Intel Vfio Hwmon Rockchip Drivers)
mkdir -p "$root/artifacts"

# Compile every module every time (a build with only warnings would otherwise be skipped next time and
# print nothing), without the compiler server, which may keep an older analyzer loaded. A module whose
# seeds must be reported fails to build on purpose; nothing depends on such a module.
echo "==> Building $sample module by module (the broken code of five regressions: some modules are expected to fail)"
for module in "${modules[@]}"; do
  rm -rf "$sample/$module/bin" "$sample/$module/obj/Debug"
  dotnet build "$sample/$module/Regressions.$module.csproj" -nologo -v:q -tl:off -p:UseSharedCompilation=false \
    >"$root/artifacts/regressions-build.$module.log" 2>&1 || true
done

# MSBuild prints each diagnostic twice and appends the project: show each once, with its module, without
# its folder, project or help link.
found=false
for seed in $(ls "$sample"/*/[0-9][0-9][0-9]_*.cs | xargs -n1 basename | cut -c1-20 | sort -u); do
  echo
  echo "${seed%%_*}  $(sed -n 's|^// Subject: ||p' "$sample"/*/"$seed"_*.cs | head -n 1)"
  reported=false
  for module in "${modules[@]}"; do
    log="$root/artifacts/regressions-build.$module.log"
    if grep -E "/${seed}_[^/]*\.cs\(.*: (error|warning) LD[0-9]{4}: " "$log" >/dev/null; then
      found=true
      reported=true
      grep -E "/${seed}_[^/]*\.cs\(.*: (error|warning) LD[0-9]{4}: " "$log" \
        | sed -E -e 's/ \[[^]]*\]$//' -e 's/ \(https?:[^)]*\)$//' -e 's|^[^(]*/||' -e "s/^/  $module: /" | awk '!seen[$0]++' | sort -t'(' -k2,2n
    fi
  done
  # A seed whose cycle crosses modules is reported only by an analyzer that reads the lock summaries of
  # referenced assemblies: say what its markers expect rather than print nothing.
  if [[ "$reported" != true ]]; then
    grep -n -E '// expect LD[0-9]{4}' "$sample"/*/"$seed"_*.cs \
      | sed -E -e "s|^$sample/([^/]*)/([^:]*):([0-9]+):.*// expect (LD[0-9]{4}).*|  \1: \2(\3): \4 expected, not reported|" || true
  fi
done
if [[ "$found" != true ]]; then
  echo "regressions: no module's build reported an LD diagnostic (logs: artifacts/regressions-build.MODULE.log)." >&2
fi

echo
echo "==> Checking that build against the sources' markers: tests/IommuCore.Tests, RegressionsBuildTests"
if ! dotnet test tests/IommuCore.Tests --filter "FullyQualifiedName~IommuCore.Tests.RegressionsBuildTests" -nologo -v:q --logger "console;verbosity=normal"; then
  echo "regressions: FAILED - the tests above say which diagnostic is missing or unexpected." >&2
  exit 1
fi
echo "regressions: OK - each module's build reports exactly the diagnostics its sources mark: all five regressions caught."

if [[ "$compile_only" == true ]]; then
  exit 0
fi

# The same broken paths at run time, under the generated checks: one command shows both halves.
echo
exec bash "$root/scripts/runtime-lockdep.sh"
