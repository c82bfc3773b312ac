#!/bin/sh
# Fuzz every libFuzzer target of issue 7 for SECONDS each (default 60) and print, per
# target, the executions, the coverage and the crashes found.
#
#   tests/fuzz/run.sh [SECONDS]        from the source root
#
# Builds with clang, -Dfuzzing=true (coverage instrumentation in the whole library),
# AddressSanitizer and UBSan in its own build folder ($WS_FUZZ_BUILD, default build-fuzz).
# Corpora grow in $BUILD/fuzz/corpus/<target> across runs (seeded from tests/data/books,
# the reader tests' files and the hostile corpus); crashes, leaks and timeouts land in
# $BUILD/fuzz/artifacts/<target>-*.  Exit status 1 when any target found something.
# Targets run one after another (the machine may have few cores); WS_FUZZ_TARGETS picks some.
set -eu
SECONDS_EACH=${1:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WS_FUZZ_BUILD:-$ROOT/build-fuzz}
TARGETS=${WS_FUZZ_TARGETS:-"fuzz_xlsx fuzz_ods fuzz_csv fuzz_formula fuzz_run"}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ ! -f "$BUILD/build.ninja" ]; then
    CC=clang meson setup "$BUILD" "$ROOT" -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$BUILD" plugin/cli/worldsheet \
    $(for t in $TARGETS; do printf 'tests/fuzz/%s ' "$t"; done) >/dev/null

WORK=$BUILD/fuzz
mkdir -p "$WORK/seeds" "$WORK/artifacts"
export OPENBLAS_NUM_THREADS=1
# Leaks are findings; the CLI below runs with the same runtime.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Seeds and dictionaries, made fresh each run (cheap).
"$PY" "$ROOT/tests/fuzz/make_seeds.py" "$ROOT" "$BUILD/plugin/cli/worldsheet" "$WORK/seeds"

status=0
printf '%-14s %8s %12s %10s %8s %8s %s\n' target seconds executions 'exec/s' cov features findings
for t in $TARGETS; do
    corpus=$WORK/corpus/$t
    mkdir -p "$corpus"
    dict=$WORK/seeds/$t.dict
    log=$WORK/$t.log
    before=$(ls "$WORK/artifacts" | grep -c "^$t-" || true)
    # -timeout: a single input running 10 s is a hang (bounded time for bounded input).
    "$BUILD/tests/fuzz/$t" "$corpus" "$WORK/seeds/$t" -dict="$dict" \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
        -artifact_prefix="$WORK/artifacts/$t-" -print_final_stats=1 >"$log" 2>&1 || true
    after=$(ls "$WORK/artifacts" | grep -c "^$t-" || true)
    found=$((after - before))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    printf '%-14s %8s %12s %10s %8s %8s %s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "$found"
    if [ "$found" -gt 0 ]; then
        status=1
        ls "$WORK/artifacts" | grep "^$t-" | sed 's/^/    /'
        grep -m3 -E 'ERROR: |runtime error|SUMMARY' "$log" | sed 's/^/    /' || true
    fi
done
exit $status
