"""Rendering test: the report of the example workbook, printed to PDF by headless
LibreOffice and rasterised with pdftoppm (poppler-utils), has a plausible number of pages,
and page 1 shows the Report sheet's text on the left and its charts, in colour, on the
right.  Page 1 is kept as BUILD_DIR/report-page1.png (and the PDF beside it) for review.

Skipped (exit 77) without soffice or pdftoppm.
Usage: test_render.py WORLDSHEET_EXE BUILD_DIR
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

exe, build_dir = sys.argv[1], pathlib.Path(sys.argv[2])
root = pathlib.Path(os.environ.get("WS_SOURCE_ROOT", pathlib.Path(__file__).parents[3]))
example = root / "examples" / "marketing.xlsx"
for tool in ("soffice", "pdftoppm", "pdfinfo"):
    if not shutil.which(tool):
        print(f"report-render: skipped: no {tool} (libreoffice-calc, poppler-utils)")
        sys.exit(77)

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what, file=sys.stderr)


def read_ppm(path):
    """A binary PPM (P6, maxval 255) as (width, height, bytes)."""
    data = pathlib.Path(path).read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def count(pixels, width, x0, x1, y0, y1, test):
    n = 0
    for y in range(y0, y1):
        row = y * width * 3
        for x in range(x0, x1):
            i = row + 3 * x
            if test(pixels[i], pixels[i + 1], pixels[i + 2]):
                n += 1
    return n


def coloured(r, g, b):
    return max(r, g, b) - min(r, g, b) > 60


def inked(r, g, b):
    return max(r, g, b) < 200 and not coloured(r, g, b)


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    xlsx, pdf = tmp / "report.xlsx", build_dir / "report-example.pdf"
    env = dict(os.environ, WORLDSHEET_CREATED_TIME="1767225600")
    r = subprocess.run([exe, "report", str(example), "-o", str(xlsx), "--pdf", str(pdf)],
                       capture_output=True, text=True, env=env, timeout=500)
    check(r.returncode == 0, f"report --pdf exit {r.returncode}: {r.stderr}")
    check(pdf.exists() and pdf.stat().st_size > 10000, "a PDF was written")
    if pdf.exists():
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(next(l.split()[1] for l in info.splitlines() if l.startswith("Pages:")))
        # The Report sheet takes 2-3 landscape pages, the jobs' sheets and the input sheets
        # (156 weeks of sales) the rest: 18 pages with LibreOffice 7.4.
        check(8 <= pages <= 40, f"{pages} pages, expected 8 to 40")
        check("landscape" in info or "792 x 612" in info or "842 x 595" in info,
              f"page 1 is landscape: {info}")
        subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile",
                        str(pdf), str(build_dir / "report-page1")], check=True)
        subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(tmp / "page1")], check=True)
        w, h, px = read_ppm(tmp / "page1.ppm")
        # The text block sits on the left, the charts on the right from column E.
        left_text = count(px, w, 0, w // 2, 0, h, inked)
        check(left_text > 200, f"page 1 has text on the left ({left_text} grey pixels)")
        top = count(px, w, w // 2, w, 0, h // 3, coloured)
        middle = count(px, w, w // 2, w, h // 3, 2 * h // 3, coloured)
        bottom = count(px, w, w // 2, w, 2 * h // 3, h, coloured)
        # Each third of the right half holds a chart (forecast; plan; comments) drawn with
        # coloured lines and bars, not an empty frame.
        for name, n in (("top", top), ("middle", middle), ("bottom", bottom)):
            check(n > 100, f"a chart in the {name} third of page 1 ({n} coloured pixels)")
        print(f"report-render: {pages} pages; page 1 saved as "
              f"{build_dir / 'report-page1.png'}")

print(f"report-render: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
