#!/bin/sh
# The world-model benchmark (issue 4): every figure beside its goal.  About 25 s of CPU on one core.
#   bench/simulate/run.sh [BUILD_DIR] [SECTIONS]
#   (sections: coverage example roas simmm robyn planner speed)
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
data=${WS_SHARED_DATA:-$root/../shared/data}/mmm
if ! out=$(ninja -C "$build" bench/simulate/bench_mmm 2>&1); then
    printf '%s\n' "$out" >&2
    exit 1
fi
OPENBLAS_NUM_THREADS=1 exec taskset -c 0 "$build/bench/simulate/bench_mmm" "$data" "$2"
