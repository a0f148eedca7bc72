#!/usr/bin/env bash
# Build cost of the runtime checks in Debug, as a user gets them from the packed package (docs/design.md,
# "Runtime checks: weaving"). For each project, in one run, interleaved, --reps times:
#   none        the project without the package (the runtime library referenced directly)
#   analyzer    + the package, LockDisciplineRuntimeChecks=false (the analyzer alone)
#   checks      + the package as shipped (the analyzer, the generator, and the weaving step after CoreCompile)
# Two projects, both from tests/LockDiscipline.Benchmarks.Analyzer: "dense" is the generator's own output
# (about one lock site per 7 lines, far denser than real code); "realistic" is a small generated project
# padded with lock-free code to about one lock site per 200 lines.
#
#   scripts/bench-weaving.sh [--dense-lines 25000] [--realistic-lines 2000] [--padding 60000] [--reps 2]
#                            [--in-process ROUNDS] [--no-builds] [--out DIR]
#
# Prints per project the medians of: the Csc task, the generator's own time (ReportAnalyzer), the weaving
# target, the wall time, and the ratios to "none" within each repetition. With --in-process, first
# measures each part in one process (tests/LockDiscipline.Benchmarks.BuildCost: bytes allocated, which
# load does not change, and time) on the same projects; --no-builds stops there. The machine may be
# shared: compare ratios measured in the same run, never absolute times, and record `uptime` with them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dense_lines=25000
realistic_lines=2000
padding=60000
reps=2
in_process=0
builds=1
out="$root/artifacts/bench-weaving"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dense-lines) dense_lines="$2"; shift 2 ;;
    --realistic-lines) realistic_lines="$2"; shift 2 ;;
    --padding) padding="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --in-process) in_process="$2"; shift 2 ;;
    --no-builds) builds=0; shift ;;
    --out) out="$2"; shift 2 ;;
    *) echo "bench-weaving: unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p "$out"
version="$(sed -nE 's|.*<Version>([^<]+)</Version>.*|\1|p' "$root/Directory.Build.props")"
tool="$root/tests/LockDiscipline.Benchmarks.Analyzer/bin/Release/net10.0/LockDiscipline.Benchmarks.Analyzer.dll"
runtime="$root/Runtime/bin/Release/net8.0/LockDiscipline.dll"
analyzer="$root/Analyzer/bin/Release/netstandard2.0/LockDiscipline.Analyzer.dll"

echo "==> uptime before: $(uptime)"
echo "==> Packing the package and building the project generator (Release)"
dotnet pack "$root/nuget/LockDiscipline.Package.csproj" -c Release -o "$out/pack" -nologo -v:q -tl:off >"$out/pack.log" 2>&1 || { cat "$out/pack.log" >&2; exit 1; }
dotnet build "$root/tests/LockDiscipline.Benchmarks.Analyzer/LockDiscipline.Benchmarks.Analyzer.csproj" -c Release -nologo -v:q -tl:off >"$out/tool.log" 2>&1 || { cat "$out/tool.log" >&2; exit 1; }

cat >"$out/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="under-test" value="$out/pack" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="under-test"><package pattern="LockDiscipline" /><package pattern="LockDiscipline.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
EOF
cat >"$out/Directory.Build.props" <<EOF
<Project>
  <PropertyGroup>
    <LockDisciplineRuntime>$runtime</LockDisciplineRuntime>
    <LockDisciplineAnalyzer>$analyzer</LockDisciplineAnalyzer>
  </PropertyGroup>
</Project>
EOF
echo '<Project />' >"$out/Directory.Build.targets"
rm -rf "$out/packages/lockdiscipline"

# The project with the package instead of the direct references; the generated code stays the same.
package_project() {
  cat <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Library</OutputType>
    <Nullable>disable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <LangVersion>latest</LangVersion>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <EnableNETAnalyzers>false</EnableNETAnalyzers>
    <!-- Here, not in a Directory.Build.props above: the generated project has its own, which stops the
         search, and the machine-wide cache may hold an older build of the same package version. -->
    <RestorePackagesPath>$out/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="LockDiscipline" Version="$version" />
  </ItemGroup>
</Project>
EOF
}

# Lock-free filler, so that a small generated project gets a realistic lock density.
padding_file() {
  local index="$1" lines="$2"
  echo "namespace Padding;"
  echo "public static class Filler$index"
  echo "{"
  local methods=$(( lines / 10 ))
  for m in $(seq 1 "$methods"); do
    echo "    public static int Compute$m(int a, int b)"
    echo "    {"
    echo "        var sum = a;"
    echo "        for (var i = 0; i < b; i++)"
    echo "        {"
    echo "            sum += i * $m;"
    echo "        }"
    echo ""
    echo "        return sum;"
    echo "    }"
  done
  echo "}"
}

generate() {
  local name="$1" lines="$2" pad="$3" dir="$out/$1"
  rm -rf "$dir"
  dotnet "$tool" generate --lines "$lines" --seed 1 --out "$dir/none" --runtime "$runtime" --analyzer "$analyzer" >/dev/null
  if [[ "$pad" -gt 0 ]]; then
    local files=$(( pad / 1000 ))
    for f in $(seq 1 "$files"); do padding_file "$f" 1000 >"$dir/none/Padding$f.cs"; done
  fi
  rm -f "$dir/none/"*.globalconfig
  mkdir -p "$dir/pkg"
  cp -r "$dir/none/." "$dir/pkg/"
  rm -f "$dir/pkg/"*.csproj
  package_project >"$dir/pkg/Bench.csproj"
  printf '[*.cs]\ndotnet_diagnostic.LD0001.severity = none\n' >"$dir/pkg/.editorconfig"
  (cd "$dir/none" && dotnet restore -nologo -v:q >/dev/null) && (cd "$dir/pkg" && dotnet restore -nologo -v:q >/dev/null)
  local sites total
  sites="$(grep -cE 'lock \(|Monitor\.(Try)?Enter\(|\.EnterScope\(\)|\.Lock\(\)|\.LockIrqSave\(\)|\.Down(Read|Write)\(\)|\.Enter(Read|Write)Lock\(\)|\.Wait(Async)?\(' $(find "$dir/none" -name '*.cs') | awk -F: '{ s += $NF } END { print s }')"
  total="$(cat $(find "$dir/none" -name '*.cs') | wc -l)"
  echo "$name lines=$total lock_calls=$sites" | tee "$dir/stats.txt"
}

csc_ms() { awk '/^ +[0-9]+ ms +Csc +[0-9]+ calls/ { print $1; exit }' "$1"; }
weave_ms() { awk '/^ +[0-9]+ ms +LockDisciplineWeave +[0-9]+ calls/ { print $1; exit }' "$1"; }
# The own time of an analyzer or generator assembly in a -p:ReportAnalyzer=true log (detailed verbosity).
own_ms() {
  awk -v section="$2" -v prefix="$3" '
    $0 ~ section { inside = 1; next }
    /Total (analyzer|generator) execution time/ { inside = 0 }
    inside && $3 ~ ("^" prefix ",") { t = $1; sub(/^</, "", t); print t * 1000; exit }' "$1"
}
wall_ms() { awk '/^Time Elapsed/ { split($3, p, ":"); printf "%d", (p[1] * 3600 + p[2] * 60 + p[3]) * 1000 }' "$1"; }

results="$out/results.tsv"
: >"$results"
generate dense "$dense_lines" 0
generate realistic "$realistic_lines" "$padding"

if [[ "$in_process" -gt 0 ]]; then
  dotnet build "$root/tests/LockDiscipline.Benchmarks.BuildCost/LockDiscipline.Benchmarks.BuildCost.csproj" -c Release -nologo -v:q -tl:off >"$out/build-cost-tool.log" 2>&1 \
    || { cat "$out/build-cost-tool.log" >&2; exit 1; }
  for project in dense realistic; do
    echo "==> in process: $project ($(uptime))"
    dotnet "$root/tests/LockDiscipline.Benchmarks.BuildCost/bin/Release/net10.0/LockDiscipline.Benchmarks.BuildCost.dll" "$out/$project/none" "$in_process" | tee "$out/$project-in-process.tsv"
  done
fi

if [[ "$builds" -eq 0 ]]; then
  exit 0
fi

for project in dense realistic; do
  for rep in $(seq 1 "$reps"); do
    for config in none analyzer checks; do
      dir="$out/$project/pkg"; extra=()
      case "$config" in
        none) dir="$out/$project/none" ;;
        analyzer) extra=(-p:LockDisciplineRuntimeChecks=false) ;;
      esac
      log="$out/$project-$config-$rep.log"
      (cd "$dir" && dotnet build --no-restore --no-incremental -nologo -v:d -tl:off -nodeReuse:false -m:1 \
          -p:UseSharedCompilation=false -p:ReportAnalyzer=true -clp:PerformanceSummary "${extra[@]}" >"$log" 2>&1) \
        || { echo "build failed: $log" >&2; tail -20 "$log" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$project" "$rep" "$config" "$(csc_ms "$log")" "$(own_ms "$log" "Total generator execution time" LockDiscipline.Generator)" \
        "$(weave_ms "$log")" "$(wall_ms "$log")" "$(own_ms "$log" "Total analyzer execution time" LockDiscipline.Analyzer)" | tee -a "$results"
    done
  done
done

grep -h "LockDiscipline: woven" "$out"/*-checks-1.log | sed 's/^ *//' || true
echo "==> uptime after: $(uptime)"
echo
echo "project | config | Csc ms | analyzer ms | generator ms | Csc - none - analyzer - generator ms | weave ms | wall ms | Csc ÷ none | wall ÷ none   (medians over $reps runs; ratios within each run)"
awk -F'\t' '
  function median(key,   n, i, j, t, a) {
    n = count[key]; if (n == 0) return 0
    for (i = 1; i <= n; i++) a[i] = vals[key, i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function add(key, v) { count[key]++; vals[key, count[key]] = v }
  { csc[$1, $2, $3] = $4; wall[$1, $2, $3] = $7; own[$1, $2, $3] = $5 + $8
    add($1 SUBSEP $3 SUBSEP "csc", $4); add($1 SUBSEP $3 SUBSEP "gen", $5 + 0); add($1 SUBSEP $3 SUBSEP "weave", $6 + 0); add($1 SUBSEP $3 SUBSEP "wall", $7)
    add($1 SUBSEP $3 SUBSEP "ana", $8 + 0)
    rows[$1, $2, $3] = 1; projects[$1] = 1; if ($2 > reps) reps = $2 }
  END {
    for (p in projects) for (r = 1; r <= reps; r++) foreach_config(p, r)
    for (p in projects) {
      split("none analyzer checks", cs, " ")
      for (k = 1; k <= 3; k++) {
        c = cs[k]
        printf "%s | %s | %d | %d | %d | %d | %d | %d | %.2f | %.2f\n", p, c, median(p SUBSEP c SUBSEP "csc"), median(p SUBSEP c SUBSEP "ana"), median(p SUBSEP c SUBSEP "gen"), median(p SUBSEP c SUBSEP "rest"), median(p SUBSEP c SUBSEP "weave"), median(p SUBSEP c SUBSEP "wall"), median(p SUBSEP c SUBSEP "rcsc"), median(p SUBSEP c SUBSEP "rwall")
      }
    }
  }
  function foreach_config(p, r,   k, c) {
    split("none analyzer checks", cs2, " ")
    for (k = 1; k <= 3; k++) {
      c = cs2[k]
      if (((p, r, c) in rows) && csc[p, r, "none"] > 0) {
        add(p SUBSEP c SUBSEP "rcsc", csc[p, r, c] / csc[p, r, "none"])
        add(p SUBSEP c SUBSEP "rwall", wall[p, r, c] / wall[p, r, "none"])
        add(p SUBSEP c SUBSEP "rest", csc[p, r, c] - csc[p, r, "none"] - own[p, r, c])
      }
    }
  }' "$results"
