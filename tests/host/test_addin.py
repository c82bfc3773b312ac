#!/usr/bin/python3
"""Host test: the worldsheet add-in inside LibreOffice Calc, against the library.

    /usr/bin/python3 test_addin.py OXT RECALC_OXT WORLDSHEET_CLI FORMULAS_JSON WORKBOOK_DIR

1. Installs worldsheet.oxt and worldsheet-recalc.oxt into a fresh private profile and
   starts a headless soffice.
2. FunctionDescriptions lists every registry formula, with a description and a name and
   description for each argument.
3. The committed workbooks (WORKBOOK_DIR/cases.ods, cases.xlsx: plain cells, array ranges,
   SUM of an array, error cases, a quoted Japanese sheet name) and a workbook built now from
   every registry formula's example (saved by Calc as .ods and .xlsx and loaded again) are
   recalculated; each checked cell must equal what `worldsheet calc` gives for the same
   formula on the same file: numbers to 1e-9 relative, the same text, the same error kind.
4. Round trip: the .xlsx files saved by Calc, converted by `worldsheet run`, opened again in
   Calc show the same values (first as stored, then recalculated).
Exit 77 (skipped) when LibreOffice, python3-uno or the .oxt (built only with the
LibreOffice SDK) is missing.
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import lo_session  # noqa: E402
import build_workbooks as bw  # noqa: E402

# Calc's error codes -> the error kind the library and `worldsheet calc` print.  Err:502
# (IllegalArgumentException) is how the add-in reports a #VALUE! alone in a cell, with the
# reason in the exception message; .xlsx stores it as #VALUE!.
CALC_ERRORS = {502: "#VALUE!", 519: "#VALUE!", 503: "#NUM!", 532: "#DIV/0!",
               0x7FFF: "#N/A", 524: "#REF!", 525: "#NAME?", 521: "#NULL!"}
LIB_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
FORMULA_RESULT_VALUE, FORMULA_RESULT_STRING = 1, 2


class Failures:
    def __init__(self):
        self.items = []
        self.checked = 0

    def add(self, where, message):
        self.items.append("%s: %s" % (where, message))
        print("FAIL %s: %s" % (where, message))


def calc_cell(cell):
    """A Calc cell as ('error', kind) | ('number', x) | ('text', s)."""
    err = cell.getError()
    if err:
        return ("error", CALC_ERRORS.get(err, "Err:%d" % err))
    if cell.getFormula().startswith("=") or cell.getFormula().startswith("{"):
        if cell.FormulaResultType2 == FORMULA_RESULT_VALUE:
            return ("number", cell.getValue())
        return ("text", cell.getString())
    t = cell.getType().value
    if t == "VALUE":
        return ("number", cell.getValue())
    if t == "EMPTY":
        return ("text", "")
    return ("text", cell.getString())


def lib_cell(field):
    if field in LIB_ERRORS:
        return ("error", field)
    try:
        return ("number", float(field), field)
    except ValueError:
        if field in ("TRUE", "FALSE"):
            return ("number", 1.0 if field == "TRUE" else 0.0, field)
        return ("text", field)


def same_number(a, b):
    if a == b:
        return True
    if math.isnan(a) or math.isnan(b):
        return False
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def same(calc, lib):
    if calc[0] == "error" or lib[0] == "error":
        return calc == lib
    if calc[0] == "number" and lib[0] == "number":
        return same_number(calc[1], lib[1])
    if calc[0] == "text" and lib[0] == "text":
        return calc[1] == lib[1]
    # A number-looking text or an empty cell: compare as printed.
    if calc[0] == "text" and lib[0] == "number":
        return calc[1] == lib[2]
    return False


def cells_of(sheet, ref):
    rng = sheet.getCellRangeByName(ref)
    addr = rng.getRangeAddress()
    rows = addr.EndRow - addr.StartRow + 1
    cols = addr.EndColumn - addr.StartColumn + 1
    return [[calc_cell(rng.getCellByPosition(c, r)) for c in range(cols)] for r in range(rows)]


def reference(cli, book, case):
    """What the library gives for a case's formula, as a grid of lib_cell tuples."""
    formula = case["formula"]
    body = formula.lstrip("=")
    if body.upper().startswith("SUM(") and body.endswith(")"):
        inner = "=" + body[4:-1]
        grid = bw.cli_calc(cli, book, case["sheet"], inner)
        cells = [lib_cell(f) for row in grid for f in row]
        errors = [c for c in cells if c[0] == "error"]
        if errors:
            return [[errors[0]]]
        total = sum(c[1] for c in cells if c[0] == "number")
        return [[("number", total, repr(total))]]
    return [[lib_cell(f) for f in row] for row in bw.cli_calc(cli, book, case["sheet"],
                                                               formula)]


def check_book(office, cli, book, cases, fails, label, calc_grids=None):
    """Recalculate `book` in Calc and compare every case with the library."""
    with office.deadline(300):
        doc = office.load(book)
        try:
            doc.calculateAll()
            for case in cases:
                where = "%s %s!%s %s" % (label, case["sheet"], case["range"], case["formula"])
                try:
                    got = cells_of(doc.Sheets.getByName(case["sheet"]), case["range"])
                except Exception as e:
                    fails.add(where, "cannot read the cells: %s" % e)
                    continue
                if calc_grids is not None:
                    calc_grids[(case["sheet"], case["range"])] = got
                try:
                    want = reference(cli, book, case)
                except Exception as e:
                    fails.add(where, "library reference failed: %s" % e)
                    continue
                fails.checked += 1
                if not case["array"]:
                    want = [[want[0][0]]]
                for r, row in enumerate(got):
                    for c, cell in enumerate(row):
                        if r < len(want) and c < len(want[r]):
                            if not same(cell, want[r][c]):
                                fails.add(where, "cell (%d,%d): Calc %r, library %r"
                                          % (r, c, cell, want[r][c]))
                        elif cell != ("error", "#N/A") and not (len(want) == 1 and
                                                                 len(want[0]) == 1):
                            # Outside the result Calc shows #N/A; a 1×1 result fills the
                            # whole array range.
                            fails.add(where, "cell (%d,%d) outside the %d×%d result: %r"
                                      % (r, c, len(want), len(want[0]), cell))
        finally:
            doc.close(True)


def check_function_descriptions(office, registry, fails):
    with office.deadline(120):
        fd = office.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.sheet.FunctionDescriptions", office.ctx)
        seen = {}
        for i in range(fd.getCount()):
            d = {p.Name: p.Value for p in fd.getByIndex(i)}
            seen[d["Name"].upper()] = d
    for f in registry:
        fails.checked += 1
        d = seen.get(f["name"].upper())
        if d is None:
            fails.add("FunctionDescriptions", "%s is missing" % f["name"])
            continue
        if not (d.get("Description") or "").strip():
            fails.add("FunctionDescriptions", "%s has no description" % f["name"])
        args = d.get("Arguments") or ()
        if len(args) != len(f["args"]):
            fails.add("FunctionDescriptions", "%s lists %d arguments, the registry %d"
                      % (f["name"], len(args), len(f["args"])))
        for a in args:
            if not a.Name.strip() or not a.Description.strip():
                fails.add("FunctionDescriptions", "%s: an argument without a name or "
                          "description" % f["name"])


def set_recalc_mode(office, value):
    """Calc's recalculation on load, for .xlsx and .ods (0 always, 1 never, 2 ask)."""
    from com.sun.star.beans import PropertyValue
    provider = office.ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", office.ctx)
    p = PropertyValue()
    p.Name, p.Value = "nodepath", "/org.openoffice.Office.Calc/Formula/Load"
    if value is None:
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess", (p,))
        return access.getPropertyValue("OOXMLRecalcMode"), access.getPropertyValue(
            "ODFRecalcMode")
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (p,))
    access.setPropertyValue("OOXMLRecalcMode", value)
    access.setPropertyValue("ODFRecalcMode", value)
    access.commitChanges()
    return None


def round_trip(office, cli, xlsx, cases, calc_grids, fails, tmp, label):
    out = os.path.join(tmp, os.path.basename(xlsx).replace(".xlsx", ".run.xlsx"))
    p = subprocess.run([cli, "run", xlsx, "-o", out], capture_output=True, timeout=600)
    if p.returncode != 0:
        fails.add(label, "worldsheet run failed (%d): %s"
                  % (p.returncode, p.stderr.decode(errors="replace")))
        return
    for recalc in (False, True):
        with office.deadline(300):
            doc = office.load(out)
            try:
                if recalc:
                    doc.calculateAll()
                for case in cases:
                    key = (case["sheet"], case["range"])
                    if key not in calc_grids:
                        continue
                    where = "%s (%s) %s!%s %s" % (label, "recalculated" if recalc else
                                                  "as stored by worldsheet run",
                                                  case["sheet"], case["range"], case["formula"])
                    # `worldsheet run` keeps the cached value of a formula whose outer
                    # function is not ours (=SUM(WS.FORECAST(...))): whoever saved the file
                    # last computed it, so only the recalculated pass can compare it.
                    outer_ours = case["formula"].lstrip("=").upper().startswith("WS.")
                    if not recalc and not outer_ours:
                        continue
                    sheet = doc.Sheets.getByName(case["sheet"])
                    first = sheet.getCellRangeByName(case["range"]).getCellByPosition(0, 0)
                    if "WS." not in first.getFormula().upper():
                        fails.add(where, "the formula is gone: %r" % first.getFormula())
                        continue
                    fails.checked += 1
                    got = cells_of(sheet, case["range"])
                    for r, row in enumerate(got):
                        for c, cell in enumerate(row):
                            before = calc_grids[key][r][c]
                            if not same(cell, before if before[0] != "number" else
                                        ("number", before[1], repr(before[1]))):
                                fails.add(where, "cell (%d,%d): %r, Calc before %r"
                                          % (r, c, cell, before))
            finally:
                doc.close(True)


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    oxt, recalc_oxt, cli, formulas_json, workbook_dir = argv[1:]
    lo_session.import_uno()
    if not os.path.exists(oxt):
        lo_session.skip("%s was not built (needs unoidl-write: libreoffice-dev, "
                        "libreoffice-dev-common)" % oxt)
    for tool in ("runuser",) if os.geteuid() == 0 else ():
        if not any(os.access(os.path.join(d, tool), os.X_OK)
                   for d in os.environ.get("PATH", "/usr/sbin:/usr/bin").split(":")
                   + ["/usr/sbin", "/sbin"]):
            lo_session.skip("runuser is needed to install extensions as root")
    registry = bw.load_registry(formulas_json)
    fails = Failures()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ws-host-") as tmp:
        with lo_session.Office([oxt, recalc_oxt]) as office:
            print("office ready in %.1fs" % (time.monotonic() - t0))
            check_function_descriptions(office, registry, fails)

            # The recalc extension is installed: both modes read 0 (always).
            modes = set_recalc_mode(office, None)
            fails.checked += 1
            if tuple(modes) != (0, 0):
                fails.add("worldsheet-recalc.oxt", "recalc modes are %r, not (0, 0)"
                          % (modes,))
            # From here on Calc keeps stored values, so the round trip reads what
            # `worldsheet run` wrote; every check recalculates explicitly.
            set_recalc_mode(office, 1)

            covered = set()
            calc_grids = {}
            committed = os.path.join(workbook_dir, "cases.json")
            if os.path.exists(committed):
                with open(committed, encoding="utf-8") as f:
                    cases = json.load(f)
                names = {x["name"] for x in registry}
                cases = [c for c in cases
                         if {"WS." + n for n in _names(c["formula"])} <= names]
                for ext in ("ods", "xlsx"):
                    book = os.path.join(workbook_dir, "cases." + ext)
                    # The library reads a copy, so the committed file is never touched.
                    copy = os.path.join(tmp, "committed." + ext)
                    with open(book, "rb") as src_f, open(copy, "wb") as dst_f:
                        dst_f.write(src_f.read())
                    check_book(office, cli, copy, cases, fails, "cases." + ext,
                               calc_grids if ext == "xlsx" else None)
                for c in cases:
                    covered |= {"WS." + n for n in _names(c["formula"])}
                round_trip(office, cli, os.path.join(tmp, "committed.xlsx"), cases,
                           calc_grids, fails, tmp, "round trip cases.xlsx")
            else:
                fails.add("workbooks", "%s is missing" % committed)

            # Every registry formula, from its example, in a workbook made now.
            with office.deadline(600):
                stem = os.path.join(tmp, "examples")
                placed = bw.build(office, cli, [], stem, examples=bw.example_cases(registry))
            ex_grids = {}
            for ext in ("ods", "xlsx"):
                check_book(office, cli, stem + "." + ext, placed, fails, "examples." + ext,
                           ex_grids if ext == "xlsx" else None)
            for c in placed:
                covered |= {"WS." + n for n in _names(c["formula"])}
            round_trip(office, cli, stem + ".xlsx", placed, ex_grids, fails, tmp,
                       "round trip examples.xlsx")

            for f in registry:
                if f["name"] not in covered:
                    fails.add("coverage", "%s is used by no checked cell" % f["name"])
    print("%d checks, %d failures, %.1fs" % (fails.checked, len(fails.items),
                                             time.monotonic() - t0))
    return 1 if fails.items else 0


def _names(formula):
    import workbook_source
    return {n[3:] for n in workbook_source.formulas_in(formula)}


if __name__ == "__main__":
    sys.exit(main(sys.argv))
