"""The worldsheet Calc add-in: every registry formula as a Calc function WS.<NAME>.

The methods, their descriptions and the IDL interface they implement are generated from
the registry at build time (gen_addin writes pythonpath/worldsheet_formulas.json and
XWorldsheet.idl); nothing here lists formulas by hand.  Calls go to libworldsheet through
worldsheet_bridge (ctypes), behind a bounded result cache.

Nothing may escape to Calc as a Python error: every call ends in a value, None (#N/A), NaN
(#NUM!) or an IllegalArgumentException (Err:502) whose message carries the reason.
"""

import os
import sys
import time
import traceback

import uno
import unohelper
from com.sun.star.lang import IllegalArgumentException, Locale, XServiceInfo, XServiceName
from com.sun.star.sheet import LocalizedName, XAddIn, XCompatibilityNames

from org.worldsheet.calc import XWorldsheet

import worldsheet_bridge as bridge

IMPLEMENTATION_NAME = "org.worldsheet.calc.Worldsheet"
SERVICE_NAME = "WS"
SERVICE_NAMES = (SERVICE_NAME, "com.sun.star.sheet.AddIn")

# Registry categories -> Calc's own Function Wizard categories (anything else is "Add-In").
CALC_CATEGORIES = {"Statistics": "Statistical", "Forecasting": "Statistical",
                   "Text": "Text"}


def _log(message):
    """Reasons go to $WORLDSHEET_LOG (a file, or "-" for stderr) when it is set: 7.4 shows
    no exception message in the sheet."""
    target = os.environ.get("WORLDSHEET_LOG")
    if not target:
        return
    try:
        line = "%s worldsheet: %s\n" % (time.strftime("%H:%M:%S"), message)
        if target == "-":
            sys.stderr.write(line)
        else:
            with open(target, "a", encoding="utf-8") as f:
                f.write(line)
    except Exception:
        pass


def _load_formulas():
    try:
        return bridge.formulas()
    except Exception:
        _log("cannot read the formula table:\n" + traceback.format_exc())
        return []


FORMULAS = _load_formulas()
BY_METHOD = {f["method"]: f for f in FORMULAS}
BY_DISPLAY = {f["name"].upper(): f for f in FORMULAS}

# Errors that raise IllegalArgumentException (Err:502 in Calc, #VALUE! in .xlsx) so the
# reason travels in the exception message; every other error is returned as Calc's own
# error value (see worldsheet_bridge.calc_error).
RAISED = {"#VALUE!"}


def _matrix(value):
    # Every method returns any[][] (a 1×1 result fills one cell); see gen_addin.c.
    return value if isinstance(value, tuple) else ((value,),)


def _invoke(name, args):
    try:
        res = bridge.call(name, args)
        if res.error is None:
            return _matrix(res.value)
        kind, reason = res.error
        _log("%s: %s %s" % (name, kind, reason))
        if kind not in RAISED:
            return ((bridge.calc_error(kind),),)
        message = reason or kind
    except Exception:
        message = "%s: internal error in the add-in: %s" % (name, traceback.format_exc(limit=3))
        _log(message)
    raise IllegalArgumentException(message, None, 0)


def _make_method(info):
    name = info["name"]

    def method(self, *args):
        return _invoke(name, args)

    method.__name__ = info["method"]
    method.__doc__ = info["summary"]
    return method


class Worldsheet(unohelper.Base, XWorldsheet, XAddIn, XCompatibilityNames, XServiceName,
                 XServiceInfo):
    def __init__(self, ctx, *args):
        self.ctx = ctx
        self.locale = Locale("en", "US", "")

    # XServiceName: Calc names the functions <service>.<method>, i.e. WS.FORECAST.
    def getServiceName(self):
        return SERVICE_NAME

    # XServiceInfo
    def getImplementationName(self):
        return IMPLEMENTATION_NAME

    def supportsService(self, name):
        return name in SERVICE_NAMES

    def getSupportedServiceNames(self):
        return SERVICE_NAMES

    # XLocalizable
    def setLocale(self, locale):
        self.locale = locale

    def getLocale(self):
        return self.locale

    # XAddIn (the spelling "Funtion" is the API's)
    def getProgrammaticFuntionName(self, display_name):
        f = BY_DISPLAY.get((display_name or "").upper())
        return f["method"] if f else ""

    def getDisplayFunctionName(self, method):
        f = BY_METHOD.get(method)
        return f["name"] if f else ""

    def getFunctionDescription(self, method):
        f = BY_METHOD.get(method)
        if not f:
            return ""
        return "%s Returns %s." % (f["summary"], f["returns"].rstrip("."))

    def _arg(self, method, index):
        f = BY_METHOD.get(method)
        if not f or index < 0 or index >= len(f["args"]):
            return None
        return f["args"][index]

    def getDisplayArgumentName(self, method, index):
        a = self._arg(method, index)
        return a["name"] if a else ""

    def getArgumentDescription(self, method, index):
        a = self._arg(method, index)
        if not a:
            return ""
        return a["description"] + (" (optional)" if a["optional"] else "")

    def getProgrammaticCategoryName(self, method):
        f = BY_METHOD.get(method)
        return CALC_CATEGORIES.get(f["category"], "Add-In") if f else "Add-In"

    def getDisplayCategoryName(self, method):
        return self.getProgrammaticCategoryName(method)

    # XCompatibilityNames: the name Excel files (.xls) use for the function.
    def getCompatibilityNames(self, method):
        f = BY_METHOD.get(method)
        if not f:
            return ()
        return (LocalizedName(Locale("en", "US", ""), f["name"]),)


for _info in FORMULAS:
    setattr(Worldsheet, _info["method"], _make_method(_info))

g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Worldsheet, IMPLEMENTATION_NAME, SERVICE_NAMES)
