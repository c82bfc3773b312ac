#!/bin/sh
# Retrain formulas/text/data/en_model.tsv from VADER's rated sentences (MIT) and the even
# lines of the UCI sentiment sentences (CC BY 4.0), and the Japanese keyword background
# (data/ja_background.tsv) from chABSA (CC BY 4.0); rebuild afterwards.
#   formulas/text/train/train.sh [BUILD_DIR] [DATA_DIR]     (~20 s on one core)
# The model does not feed its own training: train_en scores with the rules only.
set -e
here=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$here/build}
data=${2:-${WS_SHARED_DATA:-$here/../shared/data}/text}
ninja -C "$build" formulas/text/train/train_en formulas/text/train/bg_ja >/dev/null
"$build/formulas/text/train/train_en" "$data/en/vader_icwsm2014" \
    "$data/en/uci_sentiment_labelled_sentences" "$here/formulas/text/data/en_model.tsv"
"$build/formulas/text/train/bg_ja" "$data/ja/chabsa/sentences.tsv" \
    "$here/formulas/text/data/ja_background.tsv"
