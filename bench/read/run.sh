#!/bin/sh
# Read benchmark of issue 2: worldsheet's xlsx reader against openpyxl read-only mode on
# the same 1,000,000-cell book (generated once, cached in /tmp).
#
#   bench/read/run.sh [BUILD_DIR]      (default: build; needs bench/read/bench_read built)
#
# Each reader runs RUNS times (default 3), interleaved, and every column is the median of
# its runs.  Speed is cells per second of elapsed time, what a user waits for; the ratio
# is the median of the runs' own ratios (each pair ran back to back, so a machine that
# slows down for a while slows both).  The reader reads the shared strings on a second
# thread beside the sheet, so CPU time is printed too: it says what the reading costs in
# all, and its ratio is what one core alone would give.  Takes about a minute on a 2-core
# machine (openpyxl is most of it).
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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
# Per-run ratios (openpyxl's time over ours, run by run): wall, then CPU.
printf '%s' "$ours" | awk 'NF { print $4, $10 }' > "$tmp/ours"
printf '%s' "$theirs" | awk 'NF { print $4, $10 }' > "$tmp/theirs"
ratios=$(paste -d' ' "$tmp/ours" "$tmp/theirs" | awk '{ print $3 / $1, $4 / $2 }')
r_wall=$(printf '%s\n' "$ratios" | median 1)
r_cpu=$(printf '%s\n' "$ratios" | median 2)
echo "book: $book ($(du -k "$book" | cut -f1) KiB); medians of $runs runs each"
awk -v oc="$o_cells" -v ocpu="$o_cpu" -v ow="$o_wall" -v om="$o_mb" \
    -v fcpu="$f_cpu" -v fw="$f_wall" -v fm="$f_mb" \
    -v tc="$t_cells" -v tcpu="$t_cpu" -v tw="$t_wall" -v tm="$t_mb" \
    -v rw="$r_wall" -v rc="$r_cpu" 'BEGIN {
    printf "%-22s %9s %8s %8s %9s %12s\n", "", "cells", "wall s", "CPU s", "peak MB", "cells/s"
    f = "%-22s %9d %8.3f %8.3f %9.1f %12.0f\n"
    printf f, "worldsheet xlsx_read", oc, ow, ocpu, om, oc / ow
    printf f, "openpyxl read_only", tc, tw, tcpu, tm, tc / tw
    printf "%-22s %9s %8.3f %8.3f %9.1f %12s\n", "minizip+expat floor", "-", fw, fcpu, fm, "-"
    printf "floor: minizip and expat to empty handlers (CPU time %.1fx openpyxl)\n", tcpu / fcpu
    printf "speed ratio (cells/s): %.1fx openpyxl; by CPU time: %.1fx\n", rw, rc
    printf "goal: >= 10x openpyxl speed and peak RSS < 100 MB: %s\n",
           (rw >= 10 && om < 100 && oc == tc) ? "met" : "NOT met"
}'
