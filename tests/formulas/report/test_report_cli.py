"""Tests of `worldsheet report`: one book, job lines, exit statuses, reproducible output,
and a folder of books in parallel with its summary.  Needs no LibreOffice: --pdf is only
tested for its message when soffice is absent (test_render.py renders for real).

Usage: test_report_cli.py WORLDSHEET_EXE
"""
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

exe = sys.argv[1]
root = pathlib.Path(os.environ.get("WS_SOURCE_ROOT", pathlib.Path(__file__).parents[3]))
example = root / "examples" / "marketing.xlsx"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what, file=sys.stderr)


def run(*args, env=None):
    e = dict(os.environ, WORLDSHEET_CREATED_TIME="1767225600")
    e.update(env or {})
    return subprocess.run([exe, "report", *args], capture_output=True, text=True, env=e,
                          timeout=240)


def sha(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    r = run("--help")
    check(r.returncode == 0 and "key=value" in r.stdout, f"--help: {r.returncode} {r.stderr}")

    book = tmp / "marketing.xlsx"
    shutil.copy(example, book)
    before = sha(book)
    out1, out2 = tmp / "r1.xlsx", tmp / "r2.xlsx"
    r = run(str(book), "-o", str(out1))
    check(r.returncode == 0, f"report exit {r.returncode}: {r.stderr}")
    check("3 jobs ran, 0 failed" in r.stderr, f"summary line: {r.stderr}")
    check(sha(book) == before, "input unchanged")
    r = run(str(book), "-o", str(out2))
    check(out1.exists() and out2.exists() and sha(out1) == sha(out2),
          "same input, same creation time: the same bytes")
    if out1.exists():
        wb = zipfile.ZipFile(out1).read("xl/workbook.xml").decode()
        check(wb.index('name="Report"') < wb.index('name="Forecast"') < wb.index('name="Dashboard"'),
              "Report, then the jobs' sheets, then the input")

    # Job lines replace the book's job sheet; a malformed one is named and skipped: exit 3.
    out = tmp / "lines.xlsx"
    r = run(str(book), "-o", str(out), "--job", "forecast range=Sales!B1:B157 horizon=4",
            "--job", "forecast range=Sales!B1:B157 horizon")
    check(r.returncode == 3, f"a malformed line gives exit 3, got {r.returncode}")
    check("--job 2: 'horizon' is not key=value" in r.stderr, f"names the line: {r.stderr}")
    check("1 job ran, 1 failed or skipped" in r.stderr, f"counts: {r.stderr}")
    check(out.exists(), "the report is still written")
    if out.exists():
        names = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
        check('name="Plan"' not in names, "the book's own job sheet was not used")

    r = run(str(book), "-o", str(tmp / "x.xlsx"), "--lang", "fr")
    check(r.returncode == 1 and "not en or ja" in r.stderr, f"--lang fr: {r.returncode}")
    r = run(str(book))
    check(r.returncode == 1, "no -o is a usage error")
    r = run(str(tmp / "missing.xlsx"), "-o", str(tmp / "x.xlsx"))
    check(r.returncode == 2, f"a missing book gives exit 2, got {r.returncode}")

    # --pdf without LibreOffice: a clear message and exit 2, the workbook still written.
    out = tmp / "nopdf.xlsx"
    r = run(str(book), "-o", str(out), "--pdf", str(tmp / "x.pdf"),
            env={"WORLDSHEET_SOFFICE": str(tmp / "no-soffice-here")})
    check(r.returncode == 2 and "needs LibreOffice" in r.stderr,
          f"--pdf without soffice: {r.returncode} {r.stderr}")
    check(out.exists() and not (tmp / "x.pdf").exists(), "workbook written, no PDF")

    # A folder: three good books, a broken one, a hidden file and a lock file (ignored).
    books = tmp / "books"
    books.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        shutil.copy(example, books / name)
    (books / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (books / ".hidden.xlsx").write_bytes(b"")
    (books / "~$a.xlsx").write_bytes(b"")
    outdir = tmp / "reports"
    r = run(str(books), "-o", str(outdir), "--threads", "2")
    check(r.returncode == 2, f"a broken book in the folder gives exit 2, got {r.returncode}")
    check("4 workbooks" in r.stderr and "3 reported, 0 with failed jobs, 1 failed" in r.stderr,
          f"batch summary: {r.stderr}")
    check("broken.xlsx: failed: " in r.stderr, "the failure is listed with its reason")
    made = sorted(p.name for p in outdir.iterdir()) if outdir.exists() else []
    check(made == ["a-report.xlsx", "b-report.xlsx", "c-report.xlsx"], f"outputs: {made}")
    alone = tmp / "a-alone.xlsx"
    run(str(books / "a.xlsx"), "-o", str(alone))
    if len(made) == 3 and alone.exists():
        check(sha(outdir / "a-report.xlsx") == sha(alone),
              "a book reported in a batch is the same as reported alone")
    (books / "broken.xlsx").unlink()
    r = run(str(books), "-o", str(outdir))
    check(r.returncode == 0, f"all good: exit 0, got {r.returncode}: {r.stderr}")

print(f"report-cli: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
