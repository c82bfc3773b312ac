#!/bin/sh
# Read benchmark of issue 2: worldsheet's xlsx reader against openpyxl read-only mode on
# the same 1,000,000-cell book (generated once, cached in /tmp).
#
#   bench/read/run.sh [BUILD_DIR]      (default: build; needs bench/read/bench_read built)
#
# Each reader runs RUNS times (default 3) and every column is the median of its runs.  The
# speed ratio is taken from CPU time: on a shared, loaded machine wall time mostly measures
# the other processes.  Takes about a minute on a 2-core machine (openpyxl is most of it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
exe=$build/bench/read/bench_read
book=${WS_BENCH_BOOK:-/tmp/ws-bench-read-1m.xlsx}
runs=${RUNS:-3}
[ -x "$exe" ] || { echo "build $exe first (ninja -C $build bench/read/bench_read)" >&2; exit 2; }
if [ ! -s "$book" ]; then
    echo "generating $book (100,000 rows x 10 columns) ..."
    "$exe" gen "$book"
fi
ours=""
theirs=""
floor=""
i=0
while [ "$i" -lt "$runs" ]; do
    ours="$ours$("$exe" read "$book")
"
    floor="$floor$("$exe" floor "$book")
"
    theirs="$theirs$(/usr/bin/python3 "$here/openpyxl_read.py" "$book")
"
    i=$((i + 1))
done
# Lines: cells N seconds S cells_per_s R peak_rss_mb M cpu_s C ...
median() { # field number, lines on stdin
    awk -v f="$1" 'NF { v[++n] = $f } END {
        for (i = 1; i <= n; i++)
            for (j = i + 1; j <= n; j++)
                if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        print v[int((n + 1) / 2)] }'
}
o_cells=$(printf '%s' "$ours" | median 2)
o_cpu=$(printf '%s' "$ours" | median 10)
o_wall=$(printf '%s' "$ours" | median 4)
o_mb=$(printf '%s' "$ours" | median 8)
f_cpu=$(printf '%s' "$floor" | median 10)
f_wall=$(printf '%s' "$floor" | median 4)
f_mb=$(printf '%s' "$floor" | median 8)
t_cells=$(printf '%s' "$theirs" | median 2)
t_cpu=$(printf '%s' "$theirs" | median 10)
t_wall=$(printf '%s' "$theirs" | median 4)
t_mb=$(printf '%s' "$theirs" | median 8)
echo "book: $book ($(du -k "$book" | cut -f1) KiB); medians of $runs runs each"
awk -v oc="$o_cells" -v ocpu="$o_cpu" -v ow="$o_wall" -v om="$o_mb" \
    -v fcpu="$f_cpu" -v fw="$f_wall" -v fm="$f_mb" \
    -v tc="$t_cells" -v tcpu="$t_cpu" -v tw="$t_wall" -v tm="$t_mb" 'BEGIN {
    printf "%-22s %9s %8s %8s %9s %14s\n", "", "cells", "CPU s", "wall s", "peak MB", "cells/CPU s"
    f = "%-22s %9d %8.3f %8.3f %9.1f %14.0f\n"
    printf f, "worldsheet xlsx_read", oc, ocpu, ow, om, oc / ocpu
    printf f, "openpyxl read_only", tc, tcpu, tw, tm, tc / tcpu
    printf "%-22s %9s %8.3f %8.3f %9.1f %14s\n", "minizip+expat floor", "-", fcpu, fw, fm, "-"
    r = tcpu / ocpu
    printf "floor: expat to empty handlers, %.1fx openpyxl; the reader does %.0f%% more work\n",
           tcpu / fcpu, 100 * (ocpu / fcpu - 1)
    printf "speed ratio (CPU time): %.1fx openpyxl (wall time: %.1fx)\n", r, tw / ow
    printf "goal: >= 10x by CPU time and peak RSS < 100 MB: %s\n",
           (r >= 10 && om < 100 && oc == tc) ? "met" : "NOT met"
}'
