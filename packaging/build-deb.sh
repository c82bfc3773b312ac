#!/usr/bin/env bash
# Build the Debian packages of worldsheet:
#   libworldsheet0, libworldsheet-dev, worldsheet, libreoffice-worldsheet (+ -dbgsym)
#
#   bash packaging/build-deb.sh [OUTDIR]        (default OUTDIR: ./build-debs, which .gitignore covers)
#
# The source tree (tracked and untracked files, without build directories) is copied to a
# temporary folder, packaging/debian is copied to its debian/, and `dpkg-buildpackage -us
# -uc -b` runs there; the repository never gets a ./debian.  The .deb, .buildinfo and
# .changes files go to OUTDIR.
# Needs: dpkg-dev, debhelper and the Build-Depends of packaging/debian/control
# (`apt-get build-dep` cannot read them from here: `dpkg-checkbuilddeps` lists what is
# missing).  DEB_BUILD_OPTIONS is passed through (e.g. nocheck, parallel=2).  KEEP=1 keeps
# the temporary folder.  TMPDIR chooses where it goes (default /var/tmp).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$root/build-debs}
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d "${TMPDIR:-/var/tmp}/worldsheet-deb.XXXXXX")
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "build-deb: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

src=$work/worldsheet-src
mkdir -p "$src"
# The working tree as it is (uncommitted edits included), minus build output.
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard |
     while IFS= read -r -d '' f; do
       # Deleted but still tracked files, build dirs that .gitignore misses, the packaging
       # output itself.
       [ -e "$f" ] || continue
       case "$f" in build*/* | debs/* | debian/*) continue ;; esac
       printf '%s\0' "$f"
     done | tar --null -T - -cf - | tar -xf - -C "$src")
else
  (cd "$root" && tar --exclude='./build*' --exclude=./.git --exclude=./debs \
     --exclude=./debian -cf - .) | tar -xf - -C "$src"
fi
cp -a "$here/debian" "$src/debian"

cd "$src"
dpkg-checkbuilddeps
echo "build-deb: building in $src" >&2
dpkg-buildpackage -us -uc -b

shopt -s nullglob
files=("$work"/*.deb "$work"/*.ddeb "$work"/*.buildinfo "$work"/*.changes)
[ ${#files[@]} -gt 0 ] || { echo "build-deb: no packages produced" >&2; exit 1; }
cp "${files[@]}" "$out"/
echo "build-deb: packages in $out:" >&2
for f in "$work"/*.deb; do
  echo "  $(basename "$f")" >&2
done
