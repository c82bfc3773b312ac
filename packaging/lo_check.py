#!/usr/bin/python3
"""Inside the package test's root: LibreOffice Calc, with the bundled worldsheet extension
that libreoffice-worldsheet installs, recomputes the WS.* cells of a workbook to the values
the worldsheet command wrote.

    lo_check.py FORMULAS.xlsx VALUES.xlsx

FORMULAS.xlsx is `worldsheet run BOOK -o FORMULAS.xlsx` (WS.* cells kept as formulas),
VALUES.xlsx is `worldsheet run BOOK -o VALUES.xlsx --values`.  Calc loads FORMULAS.xlsx,
recalculates everything, and every cell of every sheet that holds a WS.* formula must then
match VALUES.xlsx (numbers to 1e-9 relative, text exactly, no error values).  Without the
extension every WS.* cell is #NAME?.  Exit status 0 when all match.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

START_TIMEOUT = 300


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def used_area(sheet):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    a = cursor.getRangeAddress()
    return a.EndRow + 1, a.EndColumn + 1


def name(col, row):
    letters = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        letters = chr(65 + r) + letters
    return "%s%d" % (letters, row + 1)


def compare(fdoc, vdoc):
    from com.sun.star.table.CellContentType import TEXT, VALUE, FORMULA, EMPTY  # noqa: F401
    checked = ws_cells = 0
    fails = []
    for i in range(fdoc.Sheets.Count):
        fs = fdoc.Sheets.getByIndex(i)
        vs = vdoc.Sheets.getByName(fs.Name)
        rows, cols = used_area(fs)
        cells = [(r, c) for r in range(rows) for c in range(cols)]
        ours = [(r, c) for r, c in cells
                if "WS." in fs.getCellByPosition(c, r).getFormula().upper()]
        if not ours:
            continue
        ws_cells += len(ours)
        for r, c in cells:
            fc = fs.getCellByPosition(c, r)
            vc = vs.getCellByPosition(c, r)
            where = "%s!%s" % (fs.Name, name(c, r))
            if fc.getError():
                # An error value is right only where the command wrote the same one.
                if fc.getString() != vc.getString():
                    fails.append("%s: Calc shows %s (%s), worldsheet %r"
                                 % (where, fc.getString(), fc.getFormula(), vc.getString()))
                else:
                    checked += 1
                continue
            if vc.getType() == EMPTY or vc.getError():
                continue
            checked += 1
            fstr, vstr = fc.getString(), vc.getString()
            fval, vval = fc.getValue(), vc.getValue()
            is_number = vc.getType() == VALUE or (vc.getType() == FORMULA and
                                                  vc.FormulaResultType2 == 1)
            if is_number:
                if abs(fval - vval) > 1e-9 * max(1.0, abs(vval)):
                    fails.append("%s: Calc %r, worldsheet %r" % (where, fval, vval))
            elif fstr != vstr:
                fails.append("%s: Calc %r, worldsheet %r" % (where, fstr, vstr))
    return ws_cells, checked, fails


def main(formulas, values):
    root = tempfile.mkdtemp(prefix="ws-lo-check-")
    profile = os.path.join(root, "profile")
    pipe = "wscheck%d" % os.getpid()
    log = open(os.path.join(root, "soffice.log"), "w")
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
        env=dict(os.environ, HOME=root), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        t0 = time.monotonic()
        while True:
            if proc.poll() is not None:
                sys.exit("lo_check: soffice exited with %s" % proc.returncode)
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext"
                                       % pipe)
                break
            except NoConnectException:
                if time.monotonic() - t0 > START_TIMEOUT:
                    sys.exit("lo_check: soffice did not start in %ss" % START_TIMEOUT)
                time.sleep(0.5)
        print("lo_check: soffice up in %.1fs" % (time.monotonic() - t0))
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                               ctx)
        hidden = (prop("Hidden", True),)
        fdoc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(formulas)),
                                            "_blank", 0, hidden)
        vdoc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(values)),
                                            "_blank", 0, hidden)
        fdoc.calculateAll()
        ws_cells, checked, fails = compare(fdoc, vdoc)
        fdoc.close(True)
        vdoc.close(True)
        print("lo_check: %d WS.* formula cells; %d cells of their sheets compared, %d differ"
              % (ws_cells, checked, len(fails)))
        for f in fails[:20]:
            print("lo_check:   " + f)
        return 0 if ws_cells and checked and not fails else 1
    finally:
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
