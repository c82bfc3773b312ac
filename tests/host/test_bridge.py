#!/usr/bin/python3
"""The add-in's ctypes bridge and result cache, without LibreOffice.

    python3 test_bridge.py LIBWORLDSHEET FORMULAS_JSON

Calls the library the way Calc's values arrive (tuples of row tuples, '' for blanks, None
for an omitted argument) and checks the results against hand calculations, the error
mapping (Calc's error NaNs), and the cache's reuse and bounds.
"""

import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "plugin", "libreoffice", "pythonpath"))

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL " + what)


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def nan_code(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0] & 0xFFFFFFFF


def main(argv):
    lib, formulas_json = argv[1], argv[2]
    os.environ["WORLDSHEET_LIBRARY"] = os.path.abspath(lib)
    import json
    import worldsheet_bridge as b

    with open(formulas_json, encoding="utf-8") as f:
        names = {x["name"] for x in json.load(f)["formulas"]}
    check("WS.DESCRIBE" in names, "the registry table lists WS.DESCRIBE")

    # A Calc column with a blank: count 4, missing 1, mean 15/4, median of {1,2,4,8} = 3,
    # max 8; sd = sqrt(((1-3.75)^2+(2-3.75)^2+(4-3.75)^2+(8-3.75)^2)/3) = sqrt(28.75/3).
    col = ((1.0,), (2.0,), ("",), (4.0,), (8.0,))
    res = b.call_uncached("WS.DESCRIBE", (col,))
    check(res.error is None, "DESCRIBE of a column: no error (%r)" % (res.error,))
    if res.error is None:
        table = {row[0]: row[1] for row in res.value}
        check(table.get("count") == 4.0, "count 4: %r" % table.get("count"))
        check(table.get("missing") == 1.0, "a blank is a missing value: %r"
              % table.get("missing"))
        check(close(table.get("mean", 0), 3.75), "mean 3.75")
        check(close(table.get("sd", 0), math.sqrt(28.75 / 3)), "sd")
        check(table.get("median") == 3.0 and table.get("max") == 8.0, "median, max")
        check(res.cells == 18, "a 9×2 result counts 18 cells")

    # The same numbers as a row, as Calc passes a one-row range.
    row = ((1.0, 2.0, "", 4.0, 8.0),)
    res_row = b.call_uncached("WS.DESCRIBE", (row,))
    check(res_row.error is None and res_row.value[2][1] == 3.75, "DESCRIBE of a row")

    # Text where numbers belong: #VALUE! with a reason naming the cell.
    res = b.call_uncached("WS.DESCRIBE", (((1.0,), ("x",)),))
    check(res.error is not None and res.error[0] == "#VALUE!", "text -> #VALUE!")
    check(res.error is not None and "'x'" in res.error[1], "the reason names the text: %r"
          % (res.error,))
    # Only blanks: #N/A.
    res = b.call_uncached("WS.DESCRIBE", ((("",), ("",)),))
    check(res.error is not None and res.error[0] == "#N/A", "blanks -> #N/A %r"
          % (res.error,))
    # A required argument omitted (Calc passes None for an omitted `any`).
    res = b.call_uncached("WS.DESCRIBE", (None,))
    check(res.error is not None and "required" in res.error[1], "omitted required argument")
    # Too many arguments is refused by the library (a call error, not a crash).
    res = b.call_uncached("WS.DESCRIBE", (col, 1.0))
    check(res.error is not None and res.error[0] == "#VALUE!", "too many arguments")
    # Values Calc never sends still give an error, not an exception.
    res = b.call_uncached("WS.DESCRIBE", ((object(),),))
    check(res.error is not None and "unsupported" in res.error[1], "unsupported value type")
    res = b.call_uncached("WS.DESCRIBE", ((),))
    check(res.error is not None, "an empty range")
    # NUL characters and lone surrogates in text do not break the conversion.
    res = b.call_uncached("WS.DESCRIBE", ((("a\0b",), ("\udcff",)),))
    check(res.error is not None and res.error[0] == "#VALUE!", "odd text -> #VALUE!")

    # Error cells inside an array: Calc's error NaN for the kind.
    res = b.call_uncached("WS.DESCRIBE", (((5.0,),),))
    check(res.error is None, "DESCRIBE of one value is an array")
    if res.error is None:
        sd = dict((r[0], r[1]) for r in res.value)["sd"]
        check(isinstance(sd, float) and math.isnan(sd) and nan_code(sd) == 532,
              "sd of one value is #DIV/0! (Calc code 532)")
    for kind, code in (("#N/A", 0x7FFF), ("#VALUE!", 519), ("#NUM!", 503), ("#REF!", 524),
                       ("#NAME?", 525), ("#NULL!", 521), ("#DIV/0!", 532)):
        x = b.calc_error(kind)
        check(math.isnan(x) and nan_code(x) == code, "calc_error(%s) carries %d" % (kind, code))

    # A text result, when the registry has one that takes a literal.
    if "WS.SENTIMENT_LABEL" in names:
        res = b.call_uncached("WS.SENTIMENT_LABEL", ((("I love it, great product!",),),))
        check(res.error is None and isinstance(res.value, str), "a text result is a str: %r"
              % (res.value if res.error is None else res.error,))

    # ----- the cache -----
    calls = []
    real = b.call_uncached

    def counting(name, args):
        calls.append(name)
        return real(name, args)

    b.call_uncached = counting
    b.cache.clear()
    first = b.call("WS.DESCRIBE", (col,))
    for _ in range(999):
        again = b.call("WS.DESCRIBE", (col,))
    check(len(calls) == 1, "1000 calls over the same range fit once (%d)" % len(calls))
    check(again.value == first.value, "a cached result is the same result")
    # Same numbers, other types: 1.0 and '1' are different inputs.
    b.call("WS.DESCRIBE", (((1.0,), (2.0,)),))
    b.call("WS.DESCRIBE", ((("1",), (2.0,)),))
    check(len(calls) == 3, "number and text keys differ")
    # Errors are cached too (deterministic).
    b.call("WS.DESCRIBE", ((("",),),))
    b.call("WS.DESCRIBE", ((("",),),))
    check(len(calls) == 4, "an error result is reused")

    small = b.ResultCache(max_entries=8, max_cells=100)
    for i in range(20):
        small.put(("f", i), b.Result(value=float(i)))
    check(len(small) == 8, "entries bounded: %d" % len(small))
    check(small.get(("f", 0)) is None and small.get(("f", 19)) is not None,
          "the oldest entries go first")
    small.get(("f", 12))  # recently used: survives the next insertions
    for i in range(20, 27):
        small.put(("f", i), b.Result(value=float(i)))
    check(small.get(("f", 12)) is not None, "a recently used entry is kept (LRU)")
    small.put(("big",), b.Result(value=((1.0,) * 60,), cells=60))
    small.put(("big2",), b.Result(value=((1.0,) * 60,), cells=60))
    check(small._cells <= 100, "cells bounded: %d" % small._cells)
    small.put(("huge",), b.Result(value=None, cells=1000))
    check(small.get(("huge",)) is None, "a result larger than the bound is not kept")
    off = b.ResultCache(max_entries=0)
    off.put(("x",), b.Result(value=1.0))
    check(len(off) == 0, "max_entries 0 disables the cache")
    b.call_uncached = real

    print("%d checks, %d failures" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
