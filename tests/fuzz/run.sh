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
# Targets run one after another (the machine may have few cores); WS_FUZZ_TARGETS picks some,
# and two invocations with different targets may run at once (one per core).
# With WS_FUZZ_BUDGET=cpu, SECONDS counts CPU seconds, not wall seconds: a target is run
# again on its grown corpus until its processes have used that much CPU, so a campaign on
# a busy machine still gets the CPU time it claims.  The cpu column is what was used.
set -eu
SECONDS_EACH=${1:-60}
BUDGET=${WS_FUZZ_BUDGET:-wall}
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

# CPU seconds used so far by finished child processes (user + system), from `times`, which
# must run in this shell: in a pipe or $(...) it would report a subshell's children.
child_cpu() {
    times >"$WORK/times.$$"
    sed -n 2p "$WORK/times.$$" | awk '{ t = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
        printf "%d\n", t }'
}

status=0
printf '%-14s %8s %8s %12s %10s %8s %8s %s\n' target seconds cpu executions 'exec/s' cov \
    features findings
for t in $TARGETS; do
    corpus=$WORK/corpus/$t
    mkdir -p "$corpus"
    dict=$WORK/seeds/$t.dict
    log=$WORK/$t.log
    : >"$log"
    before=$(ls "$WORK/artifacts" | grep -c "^$t-" || true)
    child_cpu >"$WORK/cpu.$$"
    cpu_start=$(cat "$WORK/cpu.$$")
    spent=0
    execs=0
    while :; do
        chunk=$((SECONDS_EACH - spent))
        # -timeout: a single input running 10 s is a hang (bounded time for bounded input).
        "$BUILD/tests/fuzz/$t" "$corpus" "$WORK/seeds/$t" -dict="$dict" \
            -max_total_time="$chunk" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
            -artifact_prefix="$WORK/artifacts/$t-" -print_final_stats=1 >"$log.part" 2>&1 || true
        cat "$log.part" >>"$log"
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.part" | tail -1)
        execs=$((execs + ${n:-0}))
        child_cpu >"$WORK/cpu.$$"
        spent=$(($(cat "$WORK/cpu.$$") - cpu_start))
        [ "$BUDGET" = cpu ] || break
        [ "$(ls "$WORK/artifacts" | grep -c "^$t-" || true)" -eq "$before" ] || break
        [ "$spent" -lt "$SECONDS_EACH" ] || break
        # Fewer than 10 CPU seconds left: not worth reloading the corpus.
        [ $((SECONDS_EACH - spent)) -ge 10 ] || break
    done
    rm -f "$log.part" "$WORK/times.$$" "$WORK/cpu.$$"
    after=$(ls "$WORK/artifacts" | grep -c "^$t-" || true)
    found=$((after - before))
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    printf '%-14s %8s %8s %12s %10s %8s %8s %s\n' "$t" "$SECONDS_EACH" "$spent" "$execs" \
        "${rate:-?}" "${cov:-?}" "${ft:-?}" "$found"
    if [ "$found" -gt 0 ]; then
        status=1
        ls "$WORK/artifacts" | grep "^$t-" | sed 's/^/    /'
        grep -m3 -E 'ERROR: |runtime error|SUMMARY' "$log" | sed 's/^/    /' || true
    fi
done
exit $status
