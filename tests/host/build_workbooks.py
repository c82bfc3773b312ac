#!/usr/bin/python3
"""Build the host-test workbooks with LibreOffice and the add-in.

    /usr/bin/python3 build_workbooks.py OXT WORLDSHEET_CLI FORMULAS_JSON OUTDIR

writes OUTDIR/cases.ods, cases.xlsx and cases.json (the cells to check) from
workbook_source.py.  The committed copies in tests/host/workbooks/ were made this way; run
it again after changing the source.  test_addin.py uses the same code at run time for the
workbook of registry examples.

Array ranges are sized from the result the library gives (worldsheet calc), since Calc
7.4 does not spill.
"""

import json
import os
import subprocess
import sys

import lo_session
import workbook_source as src

CALC_XLSX_FILTER = "Calc MS Excel 2007 XML"
CALC_ODS_FILTER = "calc8"


def load_registry(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["formulas"]


def cli_calc(cli, book, sheet, formula, timeout=120):
    """The library's answer for `formula` on `sheet` of `book`: rows of TSV fields."""
    p = subprocess.run([cli, "calc", "-w", book, "--sheet", sheet, formula],
                       capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("worldsheet calc failed (%d) on %s: %s"
                           % (p.returncode, formula, p.stderr.decode(errors="replace")))
    text = p.stdout.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.split("\t") for line in lines] or [[""]]


def col_name(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def parse_cell(ref):
    letters = "".join(ch for ch in ref if ch.isalpha())
    row = int(ref[len(letters):]) - 1
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return row, col - 1


def range_ref(top_left, rows, cols):
    r, c = parse_cell(top_left)
    if rows == 1 and cols == 1:
        return top_left
    return "%s:%s%d" % (top_left, col_name(c + cols - 1), r + rows)


def put_cells(sheet, cells):
    for ref, v in cells.items():
        cell = sheet.getCellRangeByName(ref)
        if isinstance(v, str):
            cell.setString(v)
        else:
            cell.setValue(v)


def example_cases(registry, sheet=src.DATA, column="H"):
    """One case per registry formula, from its `example`, stacked down `column` of the
    data sheet (examples that refer to cells mean the data sheet's layout)."""
    out = []
    for f in registry:
        ex = (f.get("example") or "").strip()
        if not ex:
            continue
        out.append((sheet, None, ex if ex.startswith("=") else "=" + ex, True))
    return out, column


def build(office, cli, cases, stem, examples=None):
    """Make stem.ods and stem.xlsx holding the source sheets and `cases`; return the list
    of checks written to stem.json."""
    doc = office.new_calc()
    try:
        sheets = doc.Sheets
        first = sheets.getByIndex(0)
        first.setName(src.SHEETS[0][0])
        for i, (name, _) in enumerate(src.SHEETS[1:], start=1):
            sheets.insertNewByName(name, i)
        for name, make in src.SHEETS:
            put_cells(sheets.getByName(name), make())
        data_only = stem + ".data.ods"
        office.store(doc, data_only, CALC_ODS_FILTER)

        placed = []
        next_row = {}
        all_cases = list(cases)
        column = None
        if examples:
            ex_cases, column = examples
            all_cases += ex_cases
        for sheet, cell, formula, array in all_cases:
            outer_ws = formula.lstrip("=").upper().startswith("WS.")
            result = cli_calc(cli, data_only, sheet, formula) if outer_ws else [[""]]
            rows = len(result)
            cols = max(len(r) for r in result)
            if cell is None:  # stacked examples
                r0 = next_row.get(sheet, 1)
                cell = "%s%d" % (column, r0 + 1)
                next_row[sheet] = r0 + rows + 1
            if not array:
                rows = cols = 1
            ref = range_ref(cell, rows, cols)
            target = sheets.getByName(sheet).getCellRangeByName(ref)
            if array:
                target.setArrayFormula(src.to_calc(formula))
            else:
                target.setFormula(src.to_calc(formula))
            placed.append({"sheet": sheet, "range": ref, "formula": formula, "array": array,
                           "rows": rows, "cols": cols})
        doc.calculateAll()
        office.store(doc, stem + ".ods", CALC_ODS_FILTER)
        office.store(doc, stem + ".xlsx", CALC_XLSX_FILTER)
        os.unlink(data_only)
    finally:
        doc.close(True)
    with open(stem + ".json", "w", encoding="utf-8") as f:
        json.dump(placed, f, ensure_ascii=False, indent=1)
    return placed


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    oxt, cli, formulas_json, outdir = argv[1:]
    lo_session.import_uno()
    registry = load_registry(formulas_json)
    cases = src.cases([f["name"] for f in registry])
    os.makedirs(outdir, exist_ok=True)
    with lo_session.Office([oxt]) as office:
        with office.deadline(600):
            placed = build(office, cli, cases, os.path.join(outdir, "cases"))
    print("wrote %d cases to %s" % (len(placed), outdir))


if __name__ == "__main__":
    main(sys.argv)
