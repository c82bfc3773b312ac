#!/usr/bin/env python3
"""meson install step: unpack an .oxt as a bundled extension, as a Debian package does.

    install_bundled.py OXT DIR

DIR (absolute, e.g. /usr/lib/libreoffice/share/extensions/worldsheet) is prefixed with
$DESTDIR.  Without DESTDIR the extensions folder is touched, which is how LibreOffice
notices new bundled extensions (Debian's libreoffice-common trigger does the same).
"""

import os
import shutil
import sys
import zipfile


def main(oxt, target):
    destdir = os.environ.get("DESTDIR", "")
    root = destdir + target if destdir else target
    if os.path.isdir(root):
        shutil.rmtree(root)
    os.makedirs(root)
    with zipfile.ZipFile(oxt) as zf:
        for info in zf.infolist():
            path = os.path.join(root, info.filename)
            if not os.path.realpath(path).startswith(os.path.realpath(root) + os.sep):
                sys.exit("install_bundled: unsafe entry %r" % info.filename)
            zf.extract(info, root)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(path, mode)
    if not destdir:
        os.utime(os.path.dirname(root))
    print("Installed bundled extension %s" % root)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
