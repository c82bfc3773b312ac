#!/bin/sh
# Regenerate lo_export.csv from lo_export.fods with LibreOffice's CSV export (filter
# options 44,34,76,1: comma, double quotes, UTF-8) and commit it.  Checked with
# LibreOffice 7.4.7.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
profile=${TMPDIR:-/tmp}/lo-odscsv
soffice -env:UserInstallation=file://"$profile" --headless \
    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' \
    --outdir "$here" "$here/lo_export.fods"
