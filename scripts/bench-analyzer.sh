#!/usr/bin/env bash
# The analyzer's performance benchmark (docs/performance.md). For each size, in one run, generates a
# realistic project (tests/LockDiscipline.Benchmarks.Analyzer) and builds it four ways, interleaved,
# --reps times each:
#   None            no analyzer (the SDK's own ref-pack analyzers and generators only)
#   LockDiscipline  + the LockDiscipline analyzer dll built in Release
#   VSTHRD          + Microsoft.VisualStudio.Threading.Analyzers 18.12.1
#   NetAnalyzers    + the SDK's Microsoft.CodeAnalysis.NetAnalyzers at AnalysisMode=All
# It reads each analyzer's own time from -p:ReportAnalyzer=true, the Csc task time from the
# performance summary, and peak memory and wall time from /usr/bin/time -v; checks that LockDiscipline
# reports exactly the planted cycles (LD0001) and nothing else; prints one table of medians and
# ratios, then the per-document (IDE) measurement on a 2,000-line file.
#
#   scripts/bench-analyzer.sh [--sizes "25000 50000:3 100000:1"] [--reps 3] [--seed 1]
#                             [--cycles2 3] [--cycles3 2] [--net-max-lines N] [--ide-context 50000]
#                             [--no-ide] [--out DIR] [--table-only]
#
# --table-only prints the table again from DIR/results.tsv (the same --sizes) without building.
#
# A size may carry its own repetition count (SIZE:REPS; big sizes take minutes per build, run them
# once). NetAnalyzers (AnalysisMode=All) is by far the slowest build: --net-max-lines skips it above
# that size (the table shows "—").
#
# The machine may be shared: compare ratios measured in the same run, never absolute times.
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
results="$out/results.tsv"
[[ "$table_only" == 1 ]] || : >"$results"
tool="$root/tests/LockDiscipline.Benchmarks.Analyzer/bin/Release/net10.0/LockDiscipline.Benchmarks.Analyzer.dll"
analyzer="$root/Analyzer/bin/Release/netstandard2.0/LockDiscipline.Analyzer.dll"
runtime="$root/Runtime/bin/Release/net8.0/LockDiscipline.dll"

if [[ "$table_only" == 0 ]]; then
echo "==> Building the analyzer, the runtime and the benchmark tool (Release)"
dotnet build "$root/tests/LockDiscipline.Benchmarks.Analyzer/LockDiscipline.Benchmarks.Analyzer.csproj" -c Release -nologo -v:q -tl:off >"$out/tool-build.log" 2>&1 \
  || { cat "$out/tool-build.log" >&2; exit 1; }
fi

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
  echo "(ReportAnalyzer), summed over the compiler's threads; compile is the Csc task of the build without analyzers."
  echo
  awk -F'\t' -v sizes="$1" '
    function median(key,   n, i, j, t, a) {
      n = count[key]
      if (n == 0) return -1
      for (i = 1; i <= n; i++) a[i] = vals[key, i]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(key, v) { count[key]++; vals[key, count[key]] = v }
    {
      lines[$1] = $2; sites[$1] = $3
      add($1 SUBSEP $4 SUBSEP "csc", $6); add($1 SUBSEP $4 SUBSEP "wall", $7)
      add($1 SUBSEP $4 SUBSEP "own", $8); add($1 SUBSEP $4 SUBSEP "peak", $9)
      run[$1 SUBSEP $5 SUBSEP $4 SUBSEP "csc"] = $6; run[$1 SUBSEP $5 SUBSEP $4 SUBSEP "wall"] = $7; run[$1 SUBSEP $5 SUBSEP $4 SUBSEP "own"] = $8
      if ($5 > reps[$1]) reps[$1] = $5
    }
    END {
      print "| lines | lock sites | runs | compile, no analyzers (Csc) | LD analyzer | LD ÷ compile | LD build wall | VSTHRD analyzer | VSTHRD ÷ compile | LD ÷ VSTHRD | NetAnalyzers (All) | Net ÷ compile | peak MB none / LD / VSTHRD / Net | LD time growth per doubling | LD ÷ compile growth per doubling |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
      n = split(sizes, s, " ")
      for (i = 1; i <= n; i++) {
        z = s[i]
        for (r = 1; r <= reps[z]; r++) {
          base = run[z SUBSEP r SUBSEP "None" SUBSEP "csc"]; basewall = run[z SUBSEP r SUBSEP "None" SUBSEP "wall"]
          ld = run[z SUBSEP r SUBSEP "LockDiscipline" SUBSEP "own"]; vs = run[z SUBSEP r SUBSEP "VSTHRD" SUBSEP "own"]
          add(z SUBSEP "ld/csc", ld / base); add(z SUBSEP "vs/csc", vs / base); if (vs > 0) add(z SUBSEP "ld/vs", ld / vs)
          add(z SUBSEP "ldwall", run[z SUBSEP r SUBSEP "LockDiscipline" SUBSEP "wall"] / basewall - 1)
          if ((z SUBSEP r SUBSEP "NetAnalyzers" SUBSEP "own") in run) add(z SUBSEP "net/csc", run[z SUBSEP r SUBSEP "NetAnalyzers" SUBSEP "own"] / base)
        }
        ld = median(z SUBSEP "LockDiscipline" SUBSEP "own"); ratio = median(z SUBSEP "ld/csc")
        net = median(z SUBSEP "NetAnalyzers" SUBSEP "own"); netpeak = median(z SUBSEP "NetAnalyzers" SUBSEP "peak")
        growth = "—"; rgrowth = "—"
        if (i > 1 && prevld > 0 && lines[z] > prevlines) {
          d = log(lines[z] / prevlines) / log(2)
          growth = sprintf("%.2f×", exp(log(ld / prevld) / d))
          rgrowth = sprintf("%.2f×", 2 * exp(log(ratio / prevratio) / d))
        }
        printf "| %d | %d | %d | %.1f | %.2f | %.1f%% | %+.1f%% | %.2f | %.1f%% | %.2f | %s | %s | %d / %d / %d / %s | %s | %s |\n",
          lines[z], sites[z], reps[z], median(z SUBSEP "None" SUBSEP "csc"), ld, 100 * ratio, 100 * median(z SUBSEP "ldwall"),
          median(z SUBSEP "VSTHRD" SUBSEP "own"), 100 * median(z SUBSEP "vs/csc"), median(z SUBSEP "ld/vs"),
          (net < 0 ? "—" : sprintf("%.2f", net)), (net < 0 ? "—" : sprintf("%.1f%%", 100 * median(z SUBSEP "net/csc"))),
          median(z SUBSEP "None" SUBSEP "peak"), median(z SUBSEP "LockDiscipline" SUBSEP "peak"), median(z SUBSEP "VSTHRD" SUBSEP "peak"), (netpeak < 0 ? "—" : netpeak), growth, rgrowth
        prevld = ld; prevlines = lines[z]; prevratio = ratio
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
  echo "==> Generating $size lines (seed $seed, $cycles2 two-class and $cycles3 three-class cycles planted) in $dir"
  dotnet "$tool" generate --lines "$size" --seed "$seed" --cycles2 "$cycles2" --cycles3 "$cycles3" --out "$dir" --runtime "$runtime" --analyzer "$analyzer"
  stats="$(cat "$dir/stats.txt")"
  lines="$(sed -E 's/.*lines=([0-9]+).*/\1/' <<<"$stats")"
  sites="$(sed -E 's/.*lock_sites=([0-9]+).*/\1/' <<<"$stats")"
  (cd "$dir" && dotnet restore -nologo -v:q >"$dir/restore.log" 2>&1) || { cat "$dir/restore.log" >&2; exit 1; }

  for rep in $(seq 1 "$size_reps"); do
    for config in $configs; do
      if [[ "$config" == NetAnalyzers && "$size" -gt "$net_max_lines" ]]; then
        continue
      fi
      log="$dir/build-$config-$rep.log"
      printf '    %-8s rep %s %-15s ' "$size" "$rep" "$config"
      (cd "$dir" && /usr/bin/time -v -o "$log.time" dotnet build --no-restore --no-incremental -nologo -v:d -tl:off \
          -nodeReuse:false -m:1 -p:UseSharedCompilation=false -p:ReportAnalyzer=true -p:BenchAnalyzer="$config" \
          -clp:PerformanceSummary >"$log" 2>&1) || { echo "build failed: $log" >&2; tail -20 "$log" >&2; exit 1; }
      csc="$(csc_seconds "$log")"
      wall="$(wall_seconds "$log.time")"
      peak="$(peak_mb "$log.time")"
      case "$config" in
        None) own="0" ;;
        LockDiscipline) own="$(analyzer_seconds "$log" LockDiscipline.Analyzer)" ;;
        VSTHRD) own="$(analyzer_seconds "$log" Microsoft.VisualStudio.Threading.Analyzers)" ;;
        NetAnalyzers) own="$(analyzer_seconds "$log" 'Microsoft.CodeAnalysis.(CSharp.)?NetAnalyzers')" ;;
      esac
      check="-"
      if [[ "$config" == LockDiscipline ]]; then
        read -r ok ld0001 expected others <<<"$(check_ld "$log" "$dir")"
        check="$ok"
        if [[ "$ok" != 1 ]]; then
          echo
          echo "bench-analyzer: expected exactly the $expected planted cycles as LD0001, got $ld0001 LD0001 and $others other LD diagnostics:" >&2
          ld_diagnostics "$log" >&2
          exit 1
        fi
      fi
      echo "csc ${csc}s wall ${wall}s analyzer ${own}s peak ${peak}MB"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$lines" "$sites" "$config" "$rep" "$csc" "$wall" "$own" "$peak" >>"$results"
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
