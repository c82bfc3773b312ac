#!/bin/sh
# Regenerate the LibreOffice-made test files of the ODS reader (commit the outputs):
#   odsread.ods  from odsread.fods, by LibreOffice itself (what Calc saves by default)
#   bombs: repeat bombs and hostile zips, by make_hostile.py (no LibreOffice needed)
# Run from anywhere; needs libreoffice-calc (checked with 7.4.7) and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
profile=${TMPDIR:-/tmp}/lo-odscsv
soffice -env:UserInstallation=file://"$profile" --headless --convert-to ods \
    --outdir "$here" "$here/odsread.fods"
python3 "$here/make_hostile.py" "$here"
