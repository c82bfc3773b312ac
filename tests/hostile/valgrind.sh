#!/bin/sh
# valgrind memcheck over the golden and io suites (issue 7): every C test executable of
# those suites runs under memcheck; any error or definite/indirect leak fails it.
#
#   tests/hostile/valgrind.sh [meson test options]      from the source root
#
# Uses its own build folder ($WS_VALGRIND_BUILD, default build-valgrind: gcc,
# debugoptimized, no sanitizer -- AddressSanitizer and valgrind cannot share a process).
# Python-driven tests (hostile, nolose) are left out: they would run the interpreter under
# valgrind, not our code.  OPENBLAS_NUM_THREADS=1 (set by the suite's environment) keeps
# OpenBLAS single-threaded; valgrind.supp holds the suppressions, each with its reason.
# Timeouts are multiplied by 20 (memcheck is 20-50 times slower).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WS_VALGRIND_BUILD:-$ROOT/build-valgrind}
if [ ! -f "$BUILD/build.ninja" ]; then
    meson setup "$BUILD" "$ROOT" -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$BUILD" >/dev/null
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
TESTS=$(meson introspect --tests "$BUILD" | "$PY" -c '
import json, sys
for t in json.load(sys.stdin):
    suites = " ".join(t["suite"])
    if ("golden" in suites or ":io" in suites) and "python" not in t["cmd"][0]:
        print(t["name"])')
export OPENBLAS_NUM_THREADS=1
VG="valgrind -q --error-exitcode=1 --leak-check=full --track-origins=yes"
VG="$VG --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
VG="$VG --suppressions=$ROOT/tests/hostile/valgrind.supp --gen-suppressions=all"
exec meson test -C "$BUILD" --print-errorlogs --timeout-multiplier 20 --wrapper "$VG" \
    "$@" $TESTS
