#!/bin/sh
# Text benchmark of issue 5: builds text_bench and runs it on the shared data.
#   bench/text/run.sh [BUILD_DIR] [DATA_DIR]      (~10 s of CPU on one core)
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
data=${2:-${WS_SHARED_DATA:-$here/../shared/data}/text}
ninja -C "$build" bench/text/text_bench >/dev/null
tsv=$(mktemp)
trap 'rm -f "$tsv"' EXIT
python3 "$here/bench/text/flatton_tsv.py" "$data/ja/keyphrase_flatton" "$tsv" || : >"$tsv"
"$build/bench/text/text_bench" "$data" "$tsv"
