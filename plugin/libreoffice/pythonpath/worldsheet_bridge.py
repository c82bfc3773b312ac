"""Calc values <-> libworldsheet, through ctypes and the public C API only.

No UNO in here, so the conversions and the cache run (and are tested) under any Python 3.
The UNO component, worldsheet_addin.py, turns a WsError into the Calc error value.

Calc hands an add-in:
  * a range (any[][]) as a tuple of row tuples of float / str ('' for a blank cell);
  * a single value (any) as float, str or bool, or None when the argument was omitted.
"""

import collections
import ctypes
import hashlib
import json
import os
import pickle
import struct
import threading

_HERE = os.path.dirname(os.path.abspath(__file__))
_EXT = os.path.dirname(_HERE)

# ws_type and ws_cell_error, as in include/worldsheet.h.
TYPE_EMPTY, TYPE_NUMBER, TYPE_TEXT, TYPE_BOOL, TYPE_ERROR = range(5)
CELL_ERRORS = {1: "#NULL!", 2: "#DIV/0!", 3: "#VALUE!", 4: "#REF!", 5: "#NAME?",
               6: "#NUM!", 7: "#N/A"}

# Calc's own error codes (FormulaError in LibreOffice), and the NaN that carries one: Calc
# reads a NaN whose low 32 bits hold a code as that error (CreateDoubleError in
# formula/errorcodes.hxx), so every library error keeps its kind, also inside arrays.
CALC_ERROR_CODES = {"#NULL!": 521, "#DIV/0!": 532, "#VALUE!": 519, "#REF!": 524,
                    "#NAME?": 525, "#NUM!": 503, "#N/A": 0x7FFF}


def calc_error(kind):
    """The double Calc shows as the error `kind` ("#DIV/0!")."""
    code = CALC_ERROR_CODES.get(kind, CALC_ERROR_CODES["#N/A"])
    return struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000 | code))[0]


class WsError(Exception):
    """A formula gave an error value; `kind` is "#VALUE!" etc., `reason` the library's."""

    def __init__(self, kind, reason):
        Exception.__init__(self, "%s %s" % (kind, reason) if reason else kind)
        self.kind = kind
        self.reason = reason


_size_t = ctypes.c_size_t
_range_p = ctypes.c_void_p


def _library_paths():
    env = os.environ.get("WORLDSHEET_LIBRARY")
    if env:
        return [env]
    return [os.path.join(_EXT, "lib", "libworldsheet.so.0")]


def _preload_bundled_dependencies():
    """Load the libraries packed in lib/deps/ so the dynamic linker finds them by soname.

    Used only when the system lacks one of them: the system's copies are preferred."""
    deps = os.path.join(_EXT, "lib", "deps")
    if not os.path.isdir(deps):
        return
    pending = sorted(os.listdir(deps))
    # Their order is unknown: retry until a pass loads nothing new.
    while pending:
        left = []
        for name in pending:
            try:
                ctypes.CDLL(os.path.join(deps, name), mode=ctypes.RTLD_GLOBAL)
            except OSError:
                left.append(name)
        if len(left) == len(pending):
            return
        pending = left


def _load():
    last = None
    for path in _library_paths():
        for attempt in (0, 1):
            try:
                return ctypes.CDLL(path)
            except OSError as e:
                last = e
                if attempt == 0:
                    _preload_bundled_dependencies()
    raise OSError("worldsheet: cannot load libworldsheet: %s" % last)


def _declare(lib):
    def fn(name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = list(argtypes)
        return f

    c = ctypes
    api = {}
    api["version"] = fn("ws_version", c.c_char_p)
    api["last_reason"] = fn("ws_last_reason", c.c_char_p)
    api["status_str"] = fn("ws_status_str", c.c_char_p, c.c_int)
    api["status_cell_error"] = fn("ws_status_cell_error", c.c_int, c.c_int)
    api["new"] = fn("ws_range_new", c.c_int, _size_t, _size_t, c.POINTER(_range_p))
    api["free"] = fn("ws_range_free", None, _range_p)
    api["rows"] = fn("ws_range_rows", _size_t, _range_p)
    api["cols"] = fn("ws_range_cols", _size_t, _range_p)
    api["type_at"] = fn("ws_range_type_at", c.c_int, _range_p, _size_t, _size_t)
    api["number_at"] = fn("ws_range_number_at", c.c_double, _range_p, _size_t, _size_t)
    api["text_at"] = fn("ws_range_text_at", c.c_char_p, _range_p, _size_t, _size_t)
    api["error_at"] = fn("ws_range_error_at", c.c_int, _range_p, _size_t, _size_t)
    api["reason_at"] = fn("ws_range_reason_at", c.c_char_p, _range_p, _size_t, _size_t)
    api["set_number"] = fn("ws_range_set_number", c.c_int, _range_p, _size_t, _size_t,
                           c.c_double)
    api["set_text"] = fn("ws_range_set_text", c.c_int, _range_p, _size_t, _size_t, c.c_char_p)
    api["set_bool"] = fn("ws_range_set_bool", c.c_int, _range_p, _size_t, _size_t, c.c_bool)
    api["call"] = fn("ws_formula_call", c.c_int, c.c_char_p, c.POINTER(_range_p), _size_t,
                     c.POINTER(_range_p))
    return api


_api = None
_api_lock = threading.Lock()


def api():
    global _api
    with _api_lock:
        if _api is None:
            _api = _declare(_load())
        return _api


def _text(raw):
    return raw.decode("utf-8", "replace") if raw else ""


def _reason():
    return _text(api()["last_reason"]())


def formulas():
    """The registry's formulas, as gen_addin wrote them at build time."""
    with open(os.path.join(_HERE, "worldsheet_formulas.json"), encoding="utf-8") as f:
        return json.load(f)["formulas"]


# ----- Calc value -> ws_range -----------------------------------------------------------

def _shape(value):
    """Rows of a Calc argument: a tuple of tuples for a range, else one 1×1 row."""
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(r, (tuple, list)) for r in value):
            return value
        return (value,)  # a one-dimensional sequence: one row
    return ((value,),)


def _put(a, rng, r, c, v):
    if v is None or (isinstance(v, str) and v == ""):
        return 0  # blank: the new range is already empty there
    if isinstance(v, bool):
        return a["set_bool"](rng, r, c, v)
    if isinstance(v, (int, float)):
        return a["set_number"](rng, r, c, float(v))
    if isinstance(v, str):
        return a["set_text"](rng, r, c, v.replace("\0", "").encode("utf-8", "replace"))
    raise WsError("#VALUE!", "worldsheet: unsupported argument value of type %s"
                  % type(v).__name__)


def to_range(value):
    """A new ws_range (a c_void_p the caller frees) for a Calc argument value."""
    a = api()
    rows = _shape(value)
    nrows = len(rows)
    ncols = max((len(r) for r in rows), default=0)
    if nrows == 0 or ncols == 0:
        raise WsError("#VALUE!", "worldsheet: an empty range")
    rng = _range_p()
    st = a["new"](nrows, ncols, ctypes.byref(rng))
    if st:
        raise WsError("#VALUE!", _reason() or "worldsheet: cannot allocate a range")
    try:
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if _put(a, rng, r, c, v):
                    raise WsError("#VALUE!", _reason())
    except BaseException:
        a["free"](rng)
        raise
    return rng


# ----- ws_range -> Calc value -----------------------------------------------------------

def _cell(a, rng, r, c):
    t = a["type_at"](rng, r, c)
    if t == TYPE_NUMBER:
        return a["number_at"](rng, r, c)
    if t == TYPE_TEXT:
        return _text(a["text_at"](rng, r, c))
    if t == TYPE_BOOL:
        return 1.0 if a["number_at"](rng, r, c) else 0.0
    if t == TYPE_ERROR:
        return calc_error(CELL_ERRORS.get(a["error_at"](rng, r, c), "#N/A"))
    return ""


class Result:
    """What a formula gave: a scalar, a tuple of row tuples, or an error (kind, reason)."""

    __slots__ = ("value", "error", "cells")

    def __init__(self, value=None, error=None, cells=1):
        self.value = value
        self.error = error
        self.cells = cells


def from_range(rng):
    a = api()
    rows, cols = a["rows"](rng), a["cols"](rng)
    if rows == 1 and cols == 1:
        if a["type_at"](rng, 0, 0) == TYPE_ERROR:
            kind = CELL_ERRORS.get(a["error_at"](rng, 0, 0), "#N/A")
            return Result(error=(kind, _text(a["reason_at"](rng, 0, 0))))
        return Result(value=_cell(a, rng, 0, 0))
    if rows == 0 or cols == 0:
        return Result(error=("#N/A", "the formula gave an empty result"))
    value = tuple(tuple(_cell(a, rng, r, c) for c in range(cols)) for r in range(rows))
    return Result(value=value, cells=rows * cols)


# ----- the call, with its cache ---------------------------------------------------------

def call_uncached(name, args):
    """Evaluate formula `name` ("WS.FORECAST") on Calc argument values (None = omitted)."""
    a = api()
    ranges = []
    try:
        for v in args:
            ranges.append(None if v is None else to_range(v))
        argv = (_range_p * max(len(ranges), 1))(*ranges)
        out = _range_p()
        st = a["call"](name.encode("ascii"), argv, len(ranges), ctypes.byref(out))
        if st:
            kind = CELL_ERRORS.get(a["status_cell_error"](st), "#VALUE!")
            return Result(error=(kind, _reason() or _text(a["status_str"](st))))
        try:
            return from_range(out)
        finally:
            a["free"](out)
    except WsError as e:
        return Result(error=(e.kind, e.reason))
    finally:
        for r in ranges:
            if r is not None:
                a["free"](r)


def _key(name, args):
    # pickle is a faithful, fast serialisation (1.0, True and '1' differ; every bit of a
    # float counts): equal keys mean equal arguments, barring a 160-bit hash collision.
    # repr() would do too but costs 30 times more on a 120-cell range.
    data = pickle.dumps(args, protocol=4)
    return (name, hashlib.blake2b(data, digest_size=20).digest())


class ResultCache:
    """A bounded LRU of formula results keyed by (formula, hash of every argument value).

    Formulas are deterministic, so a column of cells over the same range, or a
    recalculation, fits once.  Bounded by entry count and by the cells held."""

    def __init__(self, max_entries=256, max_cells=2_000_000):
        self.max_entries = max_entries
        self.max_cells = max_cells
        self._items = collections.OrderedDict()
        self._cells = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        with self._lock:
            res = self._items.get(key)
            if res is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return res

    def put(self, key, res):
        if self.max_entries <= 0 or res.cells > self.max_cells:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._cells -= old.cells
            self._items[key] = res
            self._cells += res.cells
            while len(self._items) > self.max_entries or self._cells > self.max_cells:
                _, dropped = self._items.popitem(last=False)
                self._cells -= dropped.cells

    def clear(self):
        with self._lock:
            self._items.clear()
            self._cells = 0

    def __len__(self):
        return len(self._items)


def _cache_size_from_env():
    try:
        return int(os.environ.get("WORLDSHEET_CACHE", "256"))
    except ValueError:
        return 256


cache = ResultCache(max_entries=_cache_size_from_env())


def call(name, args):
    """call_uncached through the cache."""
    args = tuple(args)
    key = _key(name, args)
    res = cache.get(key)
    if res is None:
        res = call_uncached(name, args)
        cache.put(key, res)
    return res
