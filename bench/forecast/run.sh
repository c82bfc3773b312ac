#!/bin/sh
# The forecasting benchmark of issue 3, in one command:
#   sh bench/forecast/run.sh [fcbench options, e.g. --set m3_monthly --limit 100]
# Builds fcbench (in $WS_BUILD_DIR, default build-bench at the repo root) if needed, then
# scores on every set: worldsheet auto and its parts, Naive2, the seasonal naive, R's
# forecast package (thetaf, ets, auto.arima on a subset: cached in baselines/), the original
# M3 submissions and LibreOffice's FORECAST.ETS.ADD (200 M3 monthly series, cached), and
# prints one table per set, the M3 monthly goals and a summary.
#
# The cached baselines are our own measurements; to redo them (hours for R's ets):
#   sh bench/forecast/r_baselines.sh [SET...]          (FORCE=1 to overwrite)
#   /usr/bin/python3 bench/forecast/libreoffice_ets.py
# RUN_BASELINES=1 runs both first for whatever is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${WS_BUILD_DIR:-$root/build-bench}
export WS_SHARED_DATA=${WS_SHARED_DATA:-$(cd "$root/.." && pwd)/shared/data}
export WS_SOURCE_ROOT=$root
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

if [ ! -d "$WS_SHARED_DATA/forecast" ]; then
    echo "run.sh: no data at $WS_SHARED_DATA/forecast (set WS_SHARED_DATA)" >&2
    exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" bench/forecast/fcbench >/dev/null

if [ "${RUN_BASELINES:-0}" = 1 ]; then
    [ -s "$here/baselines/m3_monthly.lo_ets.csv.gz" ] ||
        /usr/bin/python3 "$here/libreoffice_ets.py" || echo "run.sh: LibreOffice run failed" >&2
    sh "$here/r_baselines.sh"
fi
missing=""
for s in m3_yearly m3_quarterly m3_monthly m3_other m1_yearly m1_quarterly m1_monthly \
         tourism_yearly tourism_quarterly tourism_monthly m4_weekly m4_hourly; do
    for m in thetaf ets auto.arima; do
        [ -s "$here/baselines/$s.$m.csv.gz" ] || missing="$missing $s.$m"
    done
done
[ -z "$missing" ] ||
    echo "note: no cached R baseline for:$missing (sh bench/forecast/r_baselines.sh)"

start=$(date +%s)
"$build/bench/forecast/fcbench" --methods auto,pooled,ets,theta,dotm,ces,arima --baselines "$here/baselines" "$@"
echo "run.sh: total $(( $(date +%s) - start )) s (fcbench, one thread; cached baselines)"
