#!/usr/bin/python3
"""Benchmark (not a test): Calc recalculating 1,000 WS.FORECAST cells over the same
120-point range, with the add-in's result cache and without it.

    /usr/bin/python3 bench_recalc.py OXT [FORMULA]

FORMULA defaults to WS.FORECAST($A$1:$A$120; 12) (WS.DESCRIBE($A$1:$A$120) when the
registry has no WS.FORECAST).  Each setting gets its own office (the cache size is read
from WORLDSHEET_CACHE when the add-in loads); the figures are the wall time of
calculateAll(), best of three, after the formulas were entered.
"""

import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lo_session  # noqa: E402

CELLS = 1000


def series():
    return [100 + 10 * math.sin(2 * math.pi * i / 12) + 0.5 * i + 3 * math.sin(i * 1.7)
            for i in range(120)]


def run(oxt, formula, cache_size):
    env = {"WORLDSHEET_CACHE": str(cache_size)}
    with lo_session.Office([oxt], env=env) as office:
        with office.deadline(1200):
            doc = office.new_calc()
            sheet = doc.Sheets.getByIndex(0)
            sheet.getCellRangeByName("A1:A120").setDataArray(tuple((v,) for v in series()))
            t0 = time.monotonic()
            sheet.getCellRangeByName("B1:B%d" % CELLS).setFormulaArray(
                tuple((formula,) for _ in range(CELLS)))
            doc.calculateAll()
            entered = time.monotonic() - t0
            value = sheet.getCellByPosition(1, CELLS - 1).getValue()
            err = sheet.getCellByPosition(1, CELLS - 1).getError()
            times = []
            for _ in range(3):
                t0 = time.monotonic()
                doc.calculateAll()
                times.append(time.monotonic() - t0)
            doc.close(True)
    return entered, min(times), value, err


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    lo_session.import_uno()
    formula = argv[2] if len(argv) > 2 else "=WS.FORECAST($A$1:$A$120;12)"
    print("formula: %s in %d cells" % (formula, CELLS))
    for label, size in (("cache on (256 entries)", 256), ("cache off", 0)):
        entered, recalc, value, err = run(argv[1], formula, size)
        print("%-24s enter+first calc %.2fs   calculateAll %.2fs (%.2f ms/cell)   "
              "B%d = %s" % (label, entered, recalc, 1000 * recalc / CELLS, CELLS,
                            "Err:%d" % err if err else "%.6g" % value))


if __name__ == "__main__":
    main(sys.argv)
