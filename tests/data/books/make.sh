#!/bin/sh
# Regenerates the golden workbooks next to this script.  The outputs are committed, so the
# tests need neither LibreOffice nor Python; rerun this only after changing a source.
#   features.fods -> features.xlsx, features.ods   (real LibreOffice, headless)
#   make_books.py -> shared.xlsx, date1904.xlsx    (features LibreOffice never writes)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prof=$(mktemp -d /tmp/ws-books-profile.XXXXXX)
out=$(mktemp -d /tmp/ws-books-out.XXXXXX)
trap 'rm -rf "$prof" "$out"' EXIT
# A private profile that recalculates every formula on load, so cached values are LibreOffice's.
mkdir -p "$prof/user"
cat > "$prof/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU
for fmt in xlsx ods; do
    soffice --headless --norestore "-env:UserInstallation=file://$prof" \
        --convert-to "$fmt" --outdir "$out" "$here/features.fods" >/dev/null
    cp "$out/features.$fmt" "$here/features.$fmt"
done
/usr/bin/python3 "$here/make_books.py" "$here"
echo "made: $(cd "$here" && ls features.xlsx features.ods shared.xlsx date1904.xlsx | tr '\n' ' ')"
