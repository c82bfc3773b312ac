#!/usr/bin/python3
"""LibreOffice Calc's FORECAST.ETS.ADD on M3 monthly series, for bench/forecast/fcbench.

Run with the system Python, which has LibreOffice's uno module:
    /usr/bin/python3 bench/forecast/libreoffice_ets.py [--series 200] [--out DIR] [--data DIR]
                                                       [--keep FILE.ods]

It starts a headless soffice with a private profile (-env:UserInstallation=
file:///tmp/lo-fcbench), builds a workbook with one series per column of sheet "Data" and a
shared timeline 1..n in column A, and writes for each series the formulas a user would
write (LibreOffice 7.4 argument order: Target; Values; Timeline; [Period length];
[Data completion]; [Aggregation]):
    F:   =FORECAST.ETS.ADD(n+k; Data.X1:Xn; Data.A1:An; 12; 1; 1)             k = 1..18
    P95: =FORECAST.ETS.PI.ADD(n+k; Data.X1:Xn; Data.A1:An; 0.95; 12; 1; 1)   (half-width)
    P80: the same at 0.80
The period is 12, the set's frequency column, as given to worldsheet and R.  Calc
recalculates headless (timed), the values are read back, and the result is written to
OUT/m3_monthly.lo_ets.csv.gz in the format of r_baseline.R (id,kind,ms,cpu_ms,values): ms is
the wall time of recalculating the F sheet divided by the number of series, cpu_ms the CPU
time soffice.bin spent on it (from /proc) divided likewise.  A series whose cells
give an error is left out (listed in the header), so fcbench scores it as a subset row.

The series are the SERIES evenly spaced ones of M3 monthly: index floor(i * 1428 / SERIES).
"""
import argparse
import gzip
import os
import subprocess
import sys
import time

import uno  # noqa: F401  (registers the com.sun.star importer)
from com.sun.star.beans import PropertyValue

HORIZON = 18
PERIOD = 12


def col_name(j):
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def read_set(path):
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split(",")
            rows.append((parts[0], int(parts[1]), int(parts[2]), [float(v) for v in parts[3:]]))
    return rows


def soffice_cpu_seconds(pipe):
    """CPU time (user + system) of the soffice.bin serving `pipe`, from /proc; None if unknown."""
    tick = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().decode(errors="replace")
            if "soffice.bin" not in cmd or ("name=%s;" % pipe) not in cmd:
                continue
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return None


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception:  # soffice is still starting
            time.sleep(0.5)
    raise RuntimeError("soffice did not start")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ.get("WS_SHARED_DATA")
    default_data = os.path.join(env, "forecast") if env else os.path.join(
        here, "..", "..", "..", "shared", "data", "forecast")
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=200)
    ap.add_argument("--out", default=os.path.join(here, "baselines"))
    ap.add_argument("--data", default=default_data)
    ap.add_argument("--keep", help="also save the recalculated workbook here (.ods)")
    args = ap.parse_args()

    allrows = read_set(os.path.join(args.data, "m3_monthly_train.csv"))
    total = len(allrows)
    count = min(args.series, total)
    picked = [allrows[(i * total) // count] for i in range(count)]
    maxn = max(len(r[3]) for r in picked)

    pipe = "fcbench%d" % os.getpid()
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "-env:UserInstallation=file:///tmp/lo-fcbench", "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        ctx = connect(pipe)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        version = "unknown"
        try:
            cp = smgr.createInstanceWithContext(
                "com.sun.star.configuration.ConfigurationProvider", ctx)
            node = PropertyValue()
            node.Name = "nodepath"
            node.Value = "/org.openoffice.Setup/Product"
            access = cp.createInstanceWithArguments(
                "com.sun.star.configuration.ConfigurationAccess", (node,))
            version = "%s %s" % (access.getByName("ooName"),
                                 access.getByName("ooSetupVersionAboutBox"))
        except Exception:
            pass
        hidden = PropertyValue()
        hidden.Name = "Hidden"
        hidden.Value = True
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (hidden,))
        doc.enableAutomaticCalculation(False)
        sheets = doc.Sheets
        data = sheets.getByIndex(0)
        data.Name = "Data"
        for name in ("F", "P95", "P80"):
            sheets.insertNewByName(name, sheets.Count)

        # Column A: the timeline; columns B..: the series (blank below their end).
        grid = []
        for t in range(maxn):
            row = [float(t + 1)]
            for (_, _, _, y) in picked:
                row.append(y[t] if t < len(y) else "")
            grid.append(tuple(row))
        data.getCellRangeByPosition(0, 0, count, maxn - 1).setDataArray(tuple(grid))

        def formulas(kind):
            out = []
            for k in range(1, HORIZON + 1):
                row = []
                for j, (_, _, _, y) in enumerate(picked):
                    n = len(y)
                    c = col_name(j + 1)
                    vals = "$Data.%s$1:%s$%d" % (c, c, n)
                    timeline = "$Data.$A$1:$A$%d" % n
                    if kind == "F":
                        row.append("=FORECAST.ETS.ADD(%d;%s;%s;%d;1;1)" % (n + k, vals, timeline,
                                                                          PERIOD))
                    else:
                        level = 0.95 if kind == "P95" else 0.80
                        row.append("=FORECAST.ETS.PI.ADD(%d;%s;%s;%.2f;%d;1;1)" % (
                            n + k, vals, timeline, level, PERIOD))
                out.append(tuple(row))
            return tuple(out)

        results = {}
        timing = {}
        # The point forecasts are timed alone; the two interval sheets are computed together.
        for kinds in (("F",), ("P95", "P80")):
            ranges = {}
            for kind in kinds:
                ranges[kind] = sheets.getByName(kind).getCellRangeByPosition(
                    0, 0, count - 1, HORIZON - 1)
                ranges[kind].setFormulaArray(formulas(kind))
            cpu0 = soffice_cpu_seconds(pipe)
            t0 = time.monotonic()
            doc.calculateAll()
            elapsed = time.monotonic() - t0
            cpu1 = soffice_cpu_seconds(pipe)
            timing[kinds[0]] = (elapsed, None if cpu0 is None or cpu1 is None else cpu1 - cpu0)
            for kind in kinds:
                rng = ranges[kind]
                values = rng.getDataArray()
                errors = set()
                for k in range(HORIZON):
                    for j in range(count):
                        if rng.getCellByPosition(j, k).getError() != 0:
                            errors.add(j)
                results[kind] = (values, errors)
                print("LibreOffice %s: %d series, %d with errors" % (kind, count, len(errors)),
                      file=sys.stderr)
            print("LibreOffice recalculation of %s: %.1f s" % ("+".join(kinds), elapsed),
                  file=sys.stderr)
        ms_per_series = 1000.0 * timing["F"][0] / count
        cpu_per_series = (float("nan") if timing["F"][1] is None
                          else 1000.0 * timing["F"][1] / count)

        if args.keep:
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(args.keep)), ())
        doc.close(True)
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()

    failed_mean = results["F"][1]
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "m3_monthly.lo_ets.csv.gz")
    with gzip.open(path + ".part", "wt") as f:
        f.write("# set: m3_monthly\n")
        f.write("# method: LibreOffice FORECAST.ETS.ADD / FORECAST.ETS.PI.ADD, period %d, "
                "data completion 1, aggregation 1\n" % PERIOD)
        f.write("# libreoffice: %s\n" % version)
        f.write("# date: %s\n" % time.strftime("%Y-%m-%d %H:%M %Z"))
        f.write("# series: %d of %d (evenly spaced: index floor(i * %d / %d))\n" % (
            count, total, total, count))
        f.write("# ms: recalculation of the %d FORECAST.ETS.ADD cells of a series (one per "
                "step, as a user writes them) / series\n" % HORIZON)
        f.write("# failed (error cells, left out): %s\n" % (
            " ".join(picked[j][0] for j in sorted(failed_mean)) or "none"))
        f.write("# command: /usr/bin/python3 bench/forecast/libreoffice_ets.py --series %d\n"
                % count)
        f.write("id,kind,ms,cpu_ms,values...\n")
        fv = results["F"][0]
        for j, (sid, _, _, _) in enumerate(picked):
            if j in failed_mean:
                continue
            mean = [fv[k][j] for k in range(HORIZON)]
            rows = [("mean", mean)]
            for level, lo, hi in (("P80", "lo80", "hi80"), ("P95", "lo95", "hi95")):
                pv, perr = results[level]
                if j in perr:
                    continue
                half = [pv[k][j] for k in range(HORIZON)]
                rows.append((lo, [m - w for m, w in zip(mean, half)]))
                rows.append((hi, [m + w for m, w in zip(mean, half)]))
            for kind, vals in rows:
                f.write("%s,%s,%.6g,%.6g,%s\n" % (sid, kind, ms_per_series, cpu_per_series,
                                                  ",".join("%.10g" % v for v in vals)))
    os.replace(path + ".part", path)
    print("wrote %s (%d series, %d failed, %.1f ms/series, CPU %.1f ms/series)" % (
        path, count, len(failed_mean), ms_per_series, cpu_per_series))


if __name__ == "__main__":
    main()
