#!/usr/bin/env bash
# Package test: build the .debs, install them with their dependencies into a fresh Debian 12
# root (debootstrap, then chroot), and run the README's demo against the installed command.
#
#   sudo bash packaging/test-deb.sh [DEBDIR]
#
# DEBDIR: test the .debs already there instead of building them (packaging/build-deb.sh).
# Too slow for every CI run (a package build, then ~300 MB of LibreOffice installed into the
# root): run it before releasing or resolving a packaging change.
#
# Checks, inside the root:
#   * apt-get install --no-install-recommends ./*.deb succeeds (so Depends are complete);
#   * `worldsheet run /usr/share/doc/worldsheet/examples/marketing.xlsx -o /tmp/out.xlsx
#     --values` exits 0 with no formula errors, `worldsheet calc '=WS.DESCRIBE({1;2;3})'`
#     prints count 3, mean 2, sd 1; `worldsheet report` on the same workbook exits 0 (when
#     the command has it); the man page lists every formula `functions` lists;
#   * `pkg-config --modversion worldsheet` is the package version, and a small C program
#     built with `pkg-config --cflags --libs worldsheet` calls a formula;
#   * the LibreOffice extension is unpacked in LibreOffice's bundled folder, uses the
#     packaged library, carries no lib/deps copies, and (unless WS_TEST_LO=0) a headless
#     Calc recomputes the demo workbook's WS.* formulas to the command's values
#     (packaging/lo_check.py).
#
# Environment: WS_DEB_CACHE (default /var/tmp/worldsheet-debootstrap) holds the debootstrap
# base root (made once, reused; delete it to refresh), apt's downloaded archives (reused),
# the logs of the last run (logs/),
# and the built .debs.  MIRROR overrides the Debian mirror (default: the one in
# /etc/apt/sources.list*).  KEEP_ROOT=1 keeps the test root.  WS_TEST_LO=0 skips the Calc
# check.  Needs root, debootstrap, and the build dependencies when building.
# The host's own LibreOffice is never touched: everything is installed inside the root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WS_DEB_CACHE:-/var/tmp/worldsheet-debootstrap}
suite=bookworm

[ "$(id -u)" = 0 ] || { echo "test-deb: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null ||
  { echo "test-deb: install debootstrap (apt-get install debootstrap)" >&2; exit 1; }
mkdir -p "$cache/archives/partial"
logs=$cache/logs
mkdir -p "$logs"

t_all=$(date +%s)
t_step=$t_all
step() {
  local now
  now=$(date +%s)
  [ -z "${step_name:-}" ] || printf 'test-deb: [%4ss] %s\n' $((now - t_step)) "$step_name"
  step_name=${1:-}
  t_step=$now
  [ -z "$step_name" ] || echo "test-deb: --- $step_name"
}

# The Debian mirror this machine uses (deb822 .sources or one-line .list files).
find_mirror() {
  local kind=$1 # debian or debian-security
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
    2>/dev/null | grep -v '^[[:space:]]*#' | grep -oE 'https?://[^ ]+' |
    sed 's:/*$::' | grep -E "/$kind\$" | head -n1 || true
}
mirror=${MIRROR:-$(find_mirror debian)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${SECURITY_MIRROR:-$(find_mirror debian-security)}

# 1. The packages.
if [ $# -ge 1 ]; then
  debs=$(cd "$1" && pwd)
else
  step "build the packages (packaging/build-deb.sh)"
  debs=$cache/debs
  rm -rf "$debs"
  bash "$here/build-deb.sh" "$debs"
fi
shopt -s nullglob
packages=()
for f in "$debs"/*.deb; do
  case "$f" in *-dbgsym_*) ;; *) packages+=("$f") ;; esac
done
[ ${#packages[@]} -ge 4 ] || { echo "test-deb: expected 4 .debs in $debs" >&2; exit 1; }
version=$(dpkg-deb -f "${packages[0]}" Version)

# 2. A pristine Debian 12 base, made once.
base=$cache/$suite-minbase
if [ ! -e "$base/.complete" ]; then
  step "debootstrap $suite from $mirror (once; cached in $base)"
  rm -rf "$base.tmp"
  debootstrap --variant=minbase "$suite" "$base.tmp" "$mirror"
  touch "$base.tmp/.complete"
  rm -rf "$base"
  mv "$base.tmp" "$base"
fi

# 3. A fresh root: a copy of the base, with /proc, /dev and apt's archive cache mounted.
step "fresh root from the base"
root=$(mktemp -d "$cache/root.XXXXXX")
mounts=()
cleanup() {
  local rc=$?
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
  done
  # Remove the root only when nothing is mounted in it any more.
  if [ "${KEEP_ROOT:-0}" = 1 ]; then
    echo "test-deb: kept $root" >&2
  elif ! grep -q " $root/" /proc/mounts; then
    rm -rf "$root"
  else
    echo "test-deb: $root still has mounts; not removed" >&2
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp -a "$base/." "$root/"
rm -f "$root/.complete"
mount_in() { # mount_in TARGET mount-args...
  local target=$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounts+=("$target")
}
mount_in "$root/proc" -t proc proc
mount_in "$root/dev" --rbind /dev
mount --make-rslave "$root/dev"
mount_in "$root/var/cache/apt/archives" --bind "$cache/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  [ -z "$security" ] || echo "deb $security $suite-security main"
} >"$root/etc/apt/sources.list"
# The mirror may be a dated snapshot whose Release files have expired.
cat >"$root/etc/apt/apt.conf.d/99worldsheet-test" <<'EOF'
Acquire::Check-Valid-Until "false";
Acquire::Languages "none";
APT::Keep-Downloaded-Packages "true";
EOF
mkdir -p "$root/tmp/debs"
cp "${packages[@]}" "$root/tmp/debs/"
cp "$here/lo_check.py" "$root/tmp/lo_check.py"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# 4. Install, as a user would (recommends left out, so the Depends alone must suffice), plus
# a compiler for the C check.
step "apt-get install the packages and their dependencies"
in_root apt-get update -q
in_root_debs=()
for f in "${packages[@]}"; do
  in_root_debs+=("/tmp/debs/$(basename "$f")")
done
in_root apt-get install -y -q --no-install-recommends "${in_root_debs[@]}" gcc libc6-dev \
  pkgconf >"$logs/apt-install.log" 2>&1 || { tail -40 "$logs/apt-install.log"; exit 1; }
grep -E '^(Setting up|Processing triggers for) (libworldsheet|worldsheet|libreoffice-worldsheet|libreoffice-common)' \
  "$logs/apt-install.log" || true
echo "test-deb: $(grep -c '^Setting up' "$logs/apt-install.log") packages set up" \
  "(log: $logs/apt-install.log)"

# 5. The checks.
step "checks in the root"
cat >"$root/tmp/check.sh" <<'EOF'
#!/bin/bash
set -u
export OPENBLAS_NUM_THREADS=1
fails=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
version=$1

v=$(worldsheet --version) && [ "$v" = "worldsheet $version" ] && ok "worldsheet --version: $v" ||
  bad "worldsheet --version: '$v', expected 'worldsheet $version'"

ex=/usr/share/doc/worldsheet/examples/marketing.xlsx
rm -f /tmp/out.xlsx
worldsheet run "$ex" -o /tmp/out.xlsx --values >/tmp/run.out 2>/tmp/run.err
rc=$?
summary=$(grep -- '->' /tmp/run.err)
if [ $rc = 0 ] && [ -s /tmp/out.xlsx ] && grep -q 'formulas evaluated (0 with errors)' /tmp/run.err &&
   python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); sys.exit(z.testzip() is not None or "xl/workbook.xml" not in z.namelist())' /tmp/out.xlsx; then
  ok "worldsheet run ... --values: exit 0, $summary"
else
  bad "worldsheet run ... --values: exit $rc"; cat /tmp/run.err
fi

# The report command of issue 8, once the command has it.
if worldsheet --help | grep -q '^  worldsheet report '; then
  worldsheet report "$ex" -o /tmp/report.xlsx >/tmp/report.out 2>/tmp/report.err
  rc=$?
  [ $rc = 0 ] && [ -s /tmp/report.xlsx ] && ok "worldsheet report ...: exit 0" ||
    { bad "worldsheet report ...: exit $rc"; cat /tmp/report.err; }
else
  echo "  skip worldsheet report: not in this version's --help"
fi

out=$(worldsheet calc '=WS.DESCRIBE({1;2;3})')
rc=$?
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qx $'count\t3' &&
   printf '%s\n' "$out" | grep -qx $'mean\t2' && printf '%s\n' "$out" | grep -qx $'sd\t1'; then
  ok "worldsheet calc '=WS.DESCRIBE({1;2;3})': exit 0, $(printf '%s' "$out" | tr '\t\n' '= ' )"
else
  bad "worldsheet calc: exit $rc, output: $out"
fi

man=/usr/share/man/man1/worldsheet.1.gz
n_formulas=$(worldsheet functions | grep -c '^  WS\.')
n_man=0
zcat "$man" >/tmp/worldsheet.1
for f in $(worldsheet functions | awk '/^  WS\./ {print $1}'); do
  grep -qF "\\fB$f(" /tmp/worldsheet.1 && n_man=$((n_man + 1))
done
[ "$n_formulas" -gt 0 ] && [ "$n_man" = "$n_formulas" ] &&
  ok "man page $man documents all $n_formulas formulas" ||
  bad "man page documents $n_man of $n_formulas formulas"

pv=$(pkg-config --modversion worldsheet) && [ "$pv" = "$version" ] &&
  ok "pkg-config --modversion worldsheet: $pv" || bad "pkg-config --modversion worldsheet: '$pv'"

cat >/tmp/t.c <<'C'
#include <stdio.h>
#include <worldsheet.h>

int
main(void)
{
    ws_range *in = NULL;
    ws_range *out = NULL;
    const double xs[] = {1, 2, 4, 8};
    if (ws_range_new(4, 1, &in) != WS_OK)
        return 1;
    for (size_t i = 0; i < 4; i++)
        ws_range_set_number(in, i, 0, xs[i]);
    const ws_range *args[] = {in};
    if (ws_formula_call("WS.DESCRIBE", args, 1, &out) != WS_OK) {
        fprintf(stderr, "%s\n", ws_last_reason());
        return 1;
    }
    printf("libworldsheet %s: mean %g\n", ws_version(), ws_range_number_at(out, 2, 1));
    ws_range_free(out);
    ws_range_free(in);
    return 0;
}
C
if cc -std=c11 -Wall -Werror -o /tmp/t /tmp/t.c $(pkg-config --cflags --libs worldsheet) &&
   res=$(/tmp/t) && [ "$res" = "libworldsheet $version: mean 3.75" ]; then
  ok "C program built with pkg-config worldsheet: $res"
else
  bad "C program against libworldsheet-dev: '${res:-}'"
fi

ext=/usr/lib/libreoffice/share/extensions/worldsheet
lib=$(readlink -f $ext/lib/libworldsheet.so.0)
sys=$(readlink -f "/usr/lib/$(gcc -print-multiarch)/libworldsheet.so.0")
if [ -f $ext/description.xml ] && [ -f $ext/worldsheet_addin.py ] && [ -f $ext/XWorldsheet.rdb ] &&
   [ "$lib" = "$sys" ] && [ -f "$lib" ] && [ ! -e $ext/lib/deps ]; then
  ok "extension in $ext, library -> $lib, no lib/deps"
else
  bad "extension in $ext: $(ls -R $ext 2>&1 | tr '\n' ' ')"
fi

if [ "${WS_TEST_LO:-1}" != 0 ]; then
  worldsheet run "$ex" -o /tmp/formulas.xlsx 2>/dev/null
  if timeout 900 /usr/bin/python3 /tmp/lo_check.py /tmp/formulas.xlsx /tmp/out.xlsx; then
    ok "LibreOffice Calc with the bundled extension recomputes the demo's WS.* cells"
  else
    bad "LibreOffice Calc with the bundled extension (lo_check.py)"
  fi
fi

echo "  $fails failed"
exit $((fails > 0))
EOF
rc=0
in_root env WS_TEST_LO="${WS_TEST_LO:-1}" bash /tmp/check.sh "$version" || rc=$?

# 6. Removal leaves LibreOffice's bundled folder clean.
step "apt-get purge"
in_root apt-get purge -y -q libreoffice-worldsheet worldsheet libworldsheet-dev libworldsheet0 \
  >"$logs/apt-purge.log" 2>&1 || { tail -20 "$logs/apt-purge.log"; rc=1; }
if [ -e "$root/usr/lib/libreoffice/share/extensions/worldsheet" ]; then
  echo "  FAIL purge left $(find "$root/usr/lib/libreoffice/share/extensions/worldsheet" | head)"
  rc=1
else
  echo "  ok   purge removed the extension folder"
fi
step
echo "test-deb: total $(($(date +%s) - t_all))s; $([ $rc = 0 ] && echo PASSED || echo FAILED)"
exit $rc
