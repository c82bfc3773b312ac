#!/usr/bin/python3
"""The baseline of issue 2: openpyxl's read-only mode reading every value of a book.

Prints the same line as bench_read: cells, wall seconds, cells/second, peak RSS, CPU
seconds."""
import resource
import sys
import time

import openpyxl

c0 = time.process_time()
t0 = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
cells = 0
for ws in wb.worksheets:
    for row in ws.values:
        for v in row:
            if v is not None:
                cells += 1
wb.close()
t1 = time.perf_counter()
c1 = time.process_time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(f"cells {cells} seconds {t1 - t0:.3f} cells_per_s {cells / (t1 - t0):.0f} "
      f"peak_rss_mb {rss:.1f} cpu_s {c1 - c0:.3f}")
