#!/usr/bin/env python3
"""Zip an extension (.oxt).

    mkoxt.py OUT.oxt [--bundle-deps ARCDIR] ARCNAME=PATH ...

Each ARCNAME=PATH puts the file PATH into the archive as ARCNAME (a real copy: symlinks are
followed).  --bundle-deps ARCDIR also packs, under ARCDIR/, the shared libraries every
packed .so needs that a machine with LibreOffice may lack (BLAS, LAPACK, minizip...): the
add-in loads them only when the system has none (see worldsheet_bridge.py).  Entries get a
fixed time stamp so the archive depends on its contents only.
"""

import os
import subprocess
import sys
import zipfile

# Libraries every LibreOffice installation already has: never bundled, so the process
# keeps one copy of each.
SYSTEM = ("linux-vdso", "ld-linux", "libc.so", "libm.so", "libpthread", "libdl.so",
          "librt.so", "libgcc_s", "libstdc++", "libutil", "libresolv", "libz.so",
          "libexpat.so")

STAMP = (2024, 1, 1, 0, 0, 0)


def dependencies(path):
    out = subprocess.run(["ldd", path], check=True, capture_output=True, text=True).stdout
    deps = []
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) != 2:
            continue
        soname = parts[0].strip()
        target = parts[1].split("(")[0].strip()
        if target == "not found":
            sys.exit("mkoxt: %s needs %s, which is not found" % (path, soname))
        if not target or soname.startswith(SYSTEM):
            continue
        deps.append((soname, target))
    return deps


def add(zf, arcname, path):
    info = zipfile.ZipInfo(arcname, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = os.stat(path).st_mode & 0o777
    info.external_attr = (0o100000 | mode) << 16
    with open(path, "rb") as f:
        zf.writestr(info, f.read())


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    rest = argv[2:]
    bundle = None
    if rest[:1] == ["--bundle-deps"]:
        bundle = rest[1]
        rest = rest[2:]
    entries = []
    for item in rest:
        arcname, sep, path = item.partition("=")
        if not sep:
            sys.exit("mkoxt: expected ARCNAME=PATH, got %r" % item)
        entries.append((arcname, path))
    if bundle:
        seen = {os.path.basename(a) for a, _ in entries}
        for arcname, path in list(entries):
            if ".so" not in os.path.basename(arcname):
                continue
            for soname, target in dependencies(path):
                if soname not in seen:
                    seen.add(soname)
                    entries.append((bundle + "/" + soname, target))
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as zf:
        for arcname, path in entries:
            add(zf, arcname, path)
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
