#!/usr/bin/env bash
# Set up a Debian 12 machine for worldsheet, build it, and run one of:
#   demo   evaluate the example workbook (examples/marketing.xlsx -> marketing-out.xlsx)
#   test   the whole test suite (meson test)
#   build  only build
# Environment: BUILD_DIR (default build), MESON_ARGS (extra meson setup arguments),
# WS_NO_APT=1 to skip package installation (for machines set up already).
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-build}
build=${BUILD_DIR:-build}

# Everything the build, the tests and the add-in need, all from Debian 12.
packages=(
  build-essential meson ninja-build pkg-config python3
  libxlsxwriter-dev libminizip-dev zlib1g-dev libexpat1-dev
  libopenblas-dev liblapacke-dev libnlopt-dev libxgboost-dev
  libutf8proc-dev libmecab-dev mecab-ipadic-utf8
  libreoffice-calc python3-uno libreoffice-dev libreoffice-dev-common
  python3-openpyxl poppler-utils
  valgrind clang libclang-rt-14-dev
)
if [ "${WS_NO_APT:-0}" != 1 ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
  fi
fi

if [ ! -f "$build/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson setup "$build" ${MESON_ARGS:-} >&2
fi
ninja -C "$build" >&2

case "$action" in
  demo)
    out=${OUT:-marketing-out.xlsx}
    # --values: results as plain values, readable in any spreadsheet without the add-in.
    "$build/plugin/cli/worldsheet" run examples/marketing.xlsx -o "$out" --values
    # The report the example's 'worldsheet' sheet describes: forecast, plan, comments.
    "$build/plugin/cli/worldsheet" report examples/marketing.xlsx -o marketing-report.xlsx
    echo "wrote $out (its Dashboard sheet holds the formulas' results) and" >&2
    echo "marketing-report.xlsx (a Report sheet, then one sheet per job); also try:" >&2
    echo "  $build/plugin/cli/worldsheet calc -w examples/marketing.xlsx '=WS.DESCRIBE(Sales!B2:B157)'" >&2
    ;;
  test)
    OPENBLAS_NUM_THREADS=1 meson test -C "$build" --print-errorlogs ${MESON_TEST_ARGS:-}
    ;;
  build) ;;
  *) echo "usage: $0 demo|test|build" >&2; exit 1 ;;
esac
