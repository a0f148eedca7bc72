#!/usr/bin/env bash
# The analyzer's performance benchmark (docs/performance.md). For each size, in one run, generates a
# project (tests/LockDiscipline.Benchmarks.Analyzer) and builds it several ways, interleaved, --reps
# times each, in each of --build-configs (Release, Debug):
#   None            no analyzer (the SDK's own ref-pack analyzers and generators only)
#   LockDiscipline  + the LockDiscipline analyzer dll built in Release
#   Package         the packed LockDiscipline package as a user references it (analyzer, and in Debug the
#                   runtime checks), instead of the runtime dll the other builds reference
#   VSTHRD          + Microsoft.VisualStudio.Threading.Analyzers 18.12.1
#   NetAnalyzers    + the SDK's Microsoft.CodeAnalysis.NetAnalyzers at AnalysisMode=All
# It reads each analyzer's own time from -p:ReportAnalyzer=true, the Csc task time from the
# performance summary, and peak memory and wall time from /usr/bin/time -v, and the load average
# before each build; checks that LockDiscipline (and Package) report exactly the planted cycles
# (LD0001) and nothing else; prints one markdown table of medians and ratios, then the per-document
# (IDE) measurement on a 2,000-line file.
#
#   scripts/bench-analyzer.sh [--sizes "25000 50000:3 100000:1"] [--reps 3] [--seed 1]
#                             [--cycles2 3] [--cycles3 2] [--plain-types 0] [--net-max-lines N]
#                             [--configs "None LockDiscipline VSTHRD NetAnalyzers"] [--build-configs Release]
#                             [--ide-context 50000] [--no-ide] [--out DIR] [--table-only]
#
# --plain-types P adds P lock-free types (about 200 lines each) to every module: 0 is the dense project
# (a lock site per 13 lines), 250 about the density of real libraries (a lock site per 150-300 lines).
# --table-only prints the table again from DIR/results.tsv (the same --sizes and --build-configs) without building.
#
# A size may carry its own repetition count (SIZE:REPS; big sizes take minutes per build, run them
# once). NetAnalyzers (AnalysisMode=All) is by far the slowest build: --net-max-lines skips it above
# that size (the table shows "—").
#
# The machine may be shared: compare ratios measured in the same run, never absolute times, and read
# them with the load average the table prints.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="25000 50000 100000"
reps=3
seed=1
cycles2=3
cycles3=2
ide_context=50000
run_ide=1
table_only=0
net_max_lines=1000000000
out="$root/artifacts/bench"
configs="None LockDiscipline VSTHRD NetAnalyzers"
build_configs="Release"
plain_types=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --cycles2) cycles2="$2"; shift 2 ;;
    --cycles3) cycles3="$2"; shift 2 ;;
    --ide-context) ide_context="$2"; shift 2 ;;
    --no-ide) run_ide=0; shift ;;
    --net-max-lines) net_max_lines="$2"; shift 2 ;;
    --configs) configs="$2"; shift 2 ;;
    --build-configs) build_configs="$2"; shift 2 ;;
    --plain-types) plain_types="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --table-only) table_only=1; shift ;;
    *) echo "bench-analyzer: unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ ! -x /usr/bin/time ]]; then
  echo "bench-analyzer: /usr/bin/time is needed for peak memory (apt-get install time)" >&2
  exit 2
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"  # the generated projects' nuget.config names the packed folder by its full path
results="$out/results.tsv"
[[ "$table_only" == 1 ]] || : >"$results"
tool="$root/tests/LockDiscipline.Benchmarks.Analyzer/bin/Release/net10.0/LockDiscipline.Benchmarks.Analyzer.dll"
analyzer="$root/Analyzer/bin/Release/netstandard2.0/LockDiscipline.Analyzer.dll"
runtime="$root/Runtime/bin/Release/net8.0/LockDiscipline.dll"

pack="$out/pack"
packages="$out/packages"
package_version=""
if [[ "$table_only" == 0 ]]; then
echo "==> Building the analyzer, the runtime and the benchmark tool (Release)"
dotnet build "$root/tests/LockDiscipline.Benchmarks.Analyzer/LockDiscipline.Benchmarks.Analyzer.csproj" -c Release -nologo -v:q -tl:off >"$out/tool-build.log" 2>&1 \
  || { cat "$out/tool-build.log" >&2; exit 1; }
if [[ " $configs " == *" Package "* ]]; then
  # As tests/LockDiscipline.Package.Tests does: pack into a folder of this run, restore from it into a
  # package folder of this run, so no older copy of the same version is ever used.
  echo "==> Packing LockDiscipline into $pack"
  rm -rf "$pack" "$packages"
  dotnet pack "$root/nuget/LockDiscipline.Package.csproj" -c Release -o "$pack" -p:UseArtifactsOutput=false -nologo -v:q -tl:off >"$out/pack.log" 2>&1 \
    || { cat "$out/pack.log" >&2; exit 1; }
  package_file="$(ls "$pack" | grep -E '^LockDiscipline\.[0-9].*\.nupkg$' | head -1)"
  package_version="$(sed -E 's/^LockDiscipline\.(.*)\.nupkg$/\1/' <<<"$package_file")"
fi
fi

write_nuget_config() {
  cat >"$1/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="lockdiscipline-under-test" value="$pack" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="lockdiscipline-under-test">
      <package pattern="LockDiscipline" />
      <package pattern="LockDiscipline.Runtime" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
EOF
}

load_average() { awk '{ print $1 }' /proc/loadavg; }

# seconds a named analyzer assembly (prefix) took in a -p:ReportAnalyzer=true log; summed over assemblies.
analyzer_seconds() {
  local log="$1" prefix="$2"
  awk -v prefix="$prefix" '
    /Total analyzer execution time/ { inside = 1 }
    /Total generator execution time/ { inside = 0 }
    inside && $3 ~ ("^" prefix) && $3 ~ /,$/ { t = $1; sub(/^</, "", t); sum += t }
    END { printf "%.3f", sum + 0 }' "$log"
}

csc_seconds() { awk '/^ +[0-9]+ ms +Csc +[0-9]+ calls/ { printf "%.3f", $1 / 1000 }' "$1"; }

wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.3f", s }' "$1"
}

peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# LD diagnostics, once each (MSBuild prints each twice): "file(line,col): warning LD0001: message".
ld_diagnostics() { grep -oE '[^ >]+\([0-9]+,[0-9]+\): (warning|error) LD[0-9]{4}: [^[]*' "$1" | sort -u || true; }

check_ld() {
  local log="$1" dir="$2" ok=1
  local found expected ld0001 others
  found="$(ld_diagnostics "$log")"
  expected="$(grep -c . "$dir/expected-cycles.txt" || true)"
  ld0001="$(grep -c ' LD0001: ' <<<"$found" || true)"
  others="$(grep -v ' LD0001: ' <<<"$found" | grep -c . || true)"
  if [[ "$ld0001" != "$expected" || "$others" != 0 ]]; then
    ok=0
  fi
  while read -r cycle; do
    [[ -z "$cycle" ]] && continue
    local first="${cycle%% *}"
    if [[ "$(grep -c "'$first'" <<<"$found" || true)" != 1 ]]; then
      ok=0
    fi
  done <"$dir/expected-cycles.txt"
  echo "$ok $ld0001 $expected $others"
}

print_table() {
  echo
  echo "Times in seconds, medians over the runs of each size. Ratios are medians of the ratios within each run (the builds of one"
  echo "repetition follow each other), which cancels most of the drift of a shared machine. Analyzer time is the analyzer's own"
  echo "(ReportAnalyzer), summed over the compiler's threads; compile is the Csc task of the build without analyzers; build wall"
  echo "is the whole dotnet build. Load is the 1-minute load average before each build of the row (median, min-max), on $(nproc) cores."
  echo
  awk -F'\t' -v sizes="$1" -v builds="$build_configs" '
    function median(key,   n, i, j, t, a) {
      n = count[key]
      if (n == 0) return -1
      for (i = 1; i <= n; i++) a[i] = vals[key, i]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(key, v) { count[key]++; vals[key, count[key]] = v }
    function cell(v, fmt) { return v < 0 ? "—" : sprintf(fmt, v) }
    {
      # size lines sites build config rep csc wall own peak load
      k = $1 SUBSEP $4
      lines[$1] = $2; sites[$1] = $3
      add(k SUBSEP $5 SUBSEP "csc", $7); add(k SUBSEP $5 SUBSEP "wall", $8)
      add(k SUBSEP $5 SUBSEP "own", $9); add(k SUBSEP $5 SUBSEP "peak", $10); add(k SUBSEP "load", $11)
      if (!(k in lo) || $11 < lo[k]) lo[k] = $11
      if (!(k in hi) || $11 > hi[k]) hi[k] = $11
      run[k SUBSEP $6 SUBSEP $5 SUBSEP "csc"] = $7; run[k SUBSEP $6 SUBSEP $5 SUBSEP "wall"] = $8; run[k SUBSEP $6 SUBSEP $5 SUBSEP "own"] = $9
      if ($6 > reps[k]) reps[k] = $6
    }
    END {
      print "| lines | lock sites | build | runs | load (median, min–max) | compile, no analyzers (Csc) | LD analyzer | LD ÷ compile | LD build wall ÷ none | VSTHRD analyzer | LD ÷ VSTHRD | package build wall ÷ none | package Csc ÷ none | Net ÷ compile | peak MB none / LD / package / VSTHRD | LD time growth per doubling |"
      print "|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
      nb = split(builds, b, " ")
      for (bi = 1; bi <= nb; bi++) {
        prevld = -1; prevlines = 0
        n = split(sizes, s, " ")
        for (i = 1; i <= n; i++) {
          z = s[i]; k = z SUBSEP b[bi]
          if (!(k in reps)) continue
          for (r = 1; r <= reps[k]; r++) {
            base = run[k SUBSEP r SUBSEP "None" SUBSEP "csc"]; basewall = run[k SUBSEP r SUBSEP "None" SUBSEP "wall"]
            if (base <= 0 || basewall <= 0) continue
            if ((k SUBSEP r SUBSEP "LockDiscipline" SUBSEP "own") in run) {
              ld = run[k SUBSEP r SUBSEP "LockDiscipline" SUBSEP "own"]
              add(k SUBSEP "ld/csc", ld / base)
              add(k SUBSEP "ldwall", run[k SUBSEP r SUBSEP "LockDiscipline" SUBSEP "wall"] / basewall)
              if ((k SUBSEP r SUBSEP "VSTHRD" SUBSEP "own") in run && run[k SUBSEP r SUBSEP "VSTHRD" SUBSEP "own"] > 0) add(k SUBSEP "ld/vs", ld / run[k SUBSEP r SUBSEP "VSTHRD" SUBSEP "own"])
            }
            if ((k SUBSEP r SUBSEP "Package" SUBSEP "wall") in run) {
              add(k SUBSEP "pkgwall", run[k SUBSEP r SUBSEP "Package" SUBSEP "wall"] / basewall)
              add(k SUBSEP "pkgcsc", run[k SUBSEP r SUBSEP "Package" SUBSEP "csc"] / base)
            }
            if ((k SUBSEP r SUBSEP "NetAnalyzers" SUBSEP "own") in run) add(k SUBSEP "net/csc", run[k SUBSEP r SUBSEP "NetAnalyzers" SUBSEP "own"] / base)
          }
          ld = median(k SUBSEP "LockDiscipline" SUBSEP "own"); ratio = median(k SUBSEP "ld/csc")
          growth = "—"
          if (prevld > 0 && ld > 0 && lines[z] > prevlines) {
            d = log(lines[z] / prevlines) / log(2)
            growth = sprintf("%.2f×", exp(log(ld / prevld) / d))
          }
          printf "| %d | %d | %s | %d | %.1f (%.1f–%.1f) | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s | %s |\n",
            lines[z], sites[z], b[bi], reps[k], median(k SUBSEP "load"), lo[k], hi[k], median(k SUBSEP "None" SUBSEP "csc"),
            cell(ld, "%.2f"), cell(100 * ratio, "%.1f%%"), cell(median(k SUBSEP "ldwall"), "×%.2f"),
            cell(median(k SUBSEP "VSTHRD" SUBSEP "own"), "%.2f"), cell(median(k SUBSEP "ld/vs"), "%.2f"),
            cell(median(k SUBSEP "pkgwall"), "×%.2f"), cell(median(k SUBSEP "pkgcsc"), "×%.2f"), cell(100 * median(k SUBSEP "net/csc"), "%.1f%%"),
            cell(median(k SUBSEP "None" SUBSEP "peak"), "%d"), cell(median(k SUBSEP "LockDiscipline" SUBSEP "peak"), "%d"),
            cell(median(k SUBSEP "Package" SUBSEP "peak"), "%d"), cell(median(k SUBSEP "VSTHRD" SUBSEP "peak"), "%d"), growth
          if (ld > 0) { prevld = ld; prevlines = lines[z] }
        }
      }
    }' "$2"
}

size_list=""
for spec in $sizes; do
  size="${spec%%:*}"
  size_reps="$reps"
  [[ "$spec" == *:* ]] && size_reps="${spec##*:}"
  size_list="$size_list $size"
  [[ "$table_only" == 1 ]] && continue
  dir="$out/gen-$size"
  echo "==> Generating $size lines (seed $seed, $plain_types plain types per module, $cycles2 two-class and $cycles3 three-class cycles planted) in $dir"
  dotnet "$tool" generate --lines "$size" --seed "$seed" --cycles2 "$cycles2" --cycles3 "$cycles3" --plain-types "$plain_types" --out "$dir" --runtime "$runtime" --analyzer "$analyzer"
  stats="$(cat "$dir/stats.txt")"
  lines="$(sed -E 's/.*lines=([0-9]+).*/\1/' <<<"$stats")"
  sites="$(sed -E 's/.*lock_sites=([0-9]+).*/\1/' <<<"$stats")"
  write_nuget_config "$dir"

  for rep in $(seq 1 "$size_reps"); do
    for build in $build_configs; do
      for config in $configs; do
        if [[ "$config" == NetAnalyzers && "$size" -gt "$net_max_lines" ]]; then
          continue
        fi
        log="$dir/build-$build-$config-$rep.log"
        package_props=()
        if [[ "$config" == Package ]]; then
          package_props=(-p:RestorePackagesPath="$packages" -p:LockDisciplinePackageVersion="$package_version")
        fi
        # Each configuration restores its own package graph (Package swaps the runtime dll for the package); not timed.
        (cd "$dir" && dotnet restore -nologo -v:q -p:BenchAnalyzer="$config" ${package_props[@]+"${package_props[@]}"} >"$dir/restore.log" 2>&1) || { cat "$dir/restore.log" >&2; exit 1; }
        load="$(load_average)"
        printf '    %-8s rep %s %-7s %-15s load %-6s ' "$size" "$rep" "$build" "$config" "$load"
        (cd "$dir" && /usr/bin/time -v -o "$log.time" dotnet build --no-restore --no-incremental -c "$build" -nologo -v:d -tl:off \
            -nodeReuse:false -m:1 -p:UseSharedCompilation=false -p:ReportAnalyzer=true -p:BenchAnalyzer="$config" ${package_props[@]+"${package_props[@]}"} \
            -clp:PerformanceSummary >"$log" 2>&1) || { echo "build failed: $log" >&2; tail -20 "$log" >&2; exit 1; }
        csc="$(csc_seconds "$log")"
        wall="$(wall_seconds "$log.time")"
        peak="$(peak_mb "$log.time")"
        case "$config" in
          None) own="0" ;;
          LockDiscipline|Package) own="$(analyzer_seconds "$log" LockDiscipline.Analyzer)" ;;
          VSTHRD) own="$(analyzer_seconds "$log" Microsoft.VisualStudio.Threading.Analyzers)" ;;
          NetAnalyzers) own="$(analyzer_seconds "$log" 'Microsoft.CodeAnalysis.(CSharp.)?NetAnalyzers')" ;;
        esac
        if [[ "$config" == LockDiscipline || "$config" == Package ]]; then
          read -r ok ld0001 expected others <<<"$(check_ld "$log" "$dir")"
          if [[ "$ok" != 1 ]]; then
            echo
            echo "bench-analyzer: expected exactly the $expected planted cycles as LD0001, got $ld0001 LD0001 and $others other LD diagnostics:" >&2
            ld_diagnostics "$log" >&2
            exit 1
          fi
        fi
        echo "csc ${csc}s wall ${wall}s analyzer ${own}s peak ${peak}MB"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$lines" "$sites" "$build" "$config" "$rep" "$csc" "$wall" "$own" "$peak" "$load" >>"$results"
      done
    done
  done
done

print_table "$size_list" "$results" | tee "$out/table.md"
[[ "$table_only" == 1 ]] && exit 0

if [[ "$run_ide" == 1 ]]; then
  echo
  echo "==> Per-document (IDE) measurement: the per-body rules on one 2,000-line document of a ${ide_context}-line compilation"
  vsthrd_dir="$(dirname "$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.visualstudio.threading.analyzers/18.12.1/analyzers/cs" -name 'Microsoft.VisualStudio.Threading.Analyzers.dll' | head -1)")"
  dotnet "$tool" ide --lines 2000 --context "$ide_context" --seed "$seed" --iterations 21 --vsthrd "$vsthrd_dir" | tee "$out/ide.md"
fi
