#!/bin/sh
# The forecast job at scale, in one command:
#   sh bench/forecast/job.sh [SERIES]          (default 10000; RUNS=3 for three runs each)
# Makes a CSV of SERIES monthly series, one a column (the training values of M3, M1 and
# Tourism monthly taken in turn, up to 309 values, named ID_k; cached in /tmp), and times,
# on all cores, what a user with that many products waits for:
#   - copy: `worldsheet run` on the book, which reads it and writes it back (no formula in
#     it): the floor any job on this book pays;
#   - job, --pool no: each series forecast alone (auto), then the Forecast sheets written;
#   - job: the forecast job as it runs by default.
# Prints elapsed and CPU seconds, peak memory and the output's size (median of RUNS runs).
# Needs GNU time (`apt-get install time`).  Builds into $WS_BUILD_DIR (default build-bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${WS_BUILD_DIR:-$root/build-bench}
data=${WS_SHARED_DATA:-$(cd "$root/.." && pwd)/shared/data}/forecast
series=${1:-10000}
runs=${RUNS:-1}
gtime=/usr/bin/time
[ -x "$gtime" ] || { echo "job.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
[ -d "$data" ] || { echo "job.sh: no data at $data (set WS_SHARED_DATA)" >&2; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" plugin/cli/worldsheet >/dev/null
ws=$build/plugin/cli/worldsheet

book=/tmp/ws-bench-job-$series.csv
if [ ! -s "$book" ]; then
    echo "making $book ($series monthly series) ..."
    for f in m3_monthly m1_monthly tourism_monthly; do
        tail -n +2 "$data/${f}_train.csv"
    done | awk -F, -v want="$series" '
        { id[NR] = $1; len[NR] = NF - 3; for (i = 4; i <= NF; i++) v[NR, i - 3] = $i }
        END {
            have = NR; rows = 0
            for (k = 0; k < want; k++) { s = k % have + 1; if (len[s] > rows) rows = len[s] }
            line = ""
            for (k = 0; k < want; k++)
                line = line (k ? "," : "") id[k % have + 1] "_" int(k / have)
            print line
            for (r = 1; r <= rows; r++) {
                line = ""
                for (k = 0; k < want; k++) {
                    s = k % have + 1
                    line = line (k ? "," : "") (r <= len[s] ? v[s, r] : "")
                }
                print line
            }
        }' > "$book.part"
    mv "$book.part" "$book"
fi
rows=$(wc -l < "$book")
# The last column's letters.
col=$(awk -v n="$series" 'BEGIN { s = ""; while (n > 0) { r = (n - 1) % 26;
    s = substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", r + 1, 1) s; n = int((n - 1) / 26) } print s }')
range="A1:$col$rows"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One row: label, then elapsed s, CPU s, peak MB, output MB as medians over the runs.
measure() {
    label=$1
    shift
    i=0
    : > "$tmp/times"
    while [ "$i" -lt "$runs" ]; do
        rm -f "$tmp/out.xlsx"
        "$gtime" -f "%e %U %S %M" -o "$tmp/t" "$@" -o "$tmp/out.xlsx" > /dev/null 2> "$tmp/err" ||
            { echo "job.sh: $label failed:" >&2; cat "$tmp/err" >&2; exit 1; }
        size=$(wc -c < "$tmp/out.xlsx")
        awk -v size="$size" '{ printf "%s %.2f %.0f %.1f\n", $1, $2 + $3, $4 / 1024,
                                size / 1048576 }' "$tmp/t" >> "$tmp/times"
        i=$((i + 1))
    done
    sort -n "$tmp/times" | awk -v label="$label" -v runs="$runs" '
        { e[NR] = $1; c[NR] = $2; m[NR] = $3; s[NR] = $4 }
        END { k = int((runs + 1) / 2)
              printf "  %-22s %9.2f %9.2f %9.0f %9.1f\n", label, e[k], c[k], m[k], s[k] }'
}

cores=$(nproc 2>/dev/null || echo 1)
echo "forecast job: $series monthly series, up to $((rows - 1)) values, horizon 18, $cores cores, median of $runs run(s)"
printf "  %-22s %9s %9s %9s %9s\n" "" "elapsed s" "CPU s" "peak MB" "output MB"
measure "copy (read + write)" "$ws" run "$book"
measure "job, --pool no" "$ws" forecast "$book" --range "$range" --horizon 18 --pool no
measure "job" "$ws" forecast "$book" --range "$range" --horizon 18
