#!/usr/bin/python3
"""The worldsheet command as a user meets it: output format, exit codes, messages, and the
promises about files (input never modified, no partial output, no overwriting the input)."""
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

exe = sys.argv[1]
root = pathlib.Path(os.environ.get("WS_SOURCE_ROOT", pathlib.Path(__file__).parents[2]))
example = root / "examples" / "marketing.xlsx"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what, file=sys.stderr)


def run(*args, **kw):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=300, **kw)


def sha(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


# calc: TSV, 15 significant digits, text as is.
r = run("calc", "=WS.DESCRIBE({1;2;4;8})")
check(r.returncode == 0, f"calc exit {r.returncode}: {r.stderr}")
lines = r.stdout.splitlines()
check(lines[:3] == ["count\t4", "missing\t0", "mean\t3.75"], f"calc output {lines[:3]}")
check(lines[3] == "sd\t3.09569593683445", f"sd line {lines[3:4]}")  # sqrt(28.75/3)
check(lines[7] == "trend\t2.3", f"trend line {lines[7:8]}")

# A cell error is a result (exit 0) with its reason on stderr.
r = run("calc", "WS.DESCRIBE({1;\"x\";3})")
check(r.returncode == 0 and r.stdout.strip() == "#VALUE!", f"error cell: {r.stdout!r}")
check("cell 2" in r.stderr, f"reason on stderr: {r.stderr!r}")

# Usage errors: exit 1 with a message.
r = run("calc", "=WS.DESCRIBE({1;2}")
check(r.returncode == 1 and "expected" in r.stderr, f"syntax: {r.returncode} {r.stderr!r}")
r = run("frobnicate")
check(r.returncode == 1 and "unknown command" in r.stderr, "unknown command")
r = run("help", "WS.NOPE")
check(r.returncode == 1, "help for an unknown name")
r = run("run", str(example))
check(r.returncode == 1 and "-o" in r.stderr, "run without -o")

# Unreadable input: exit 2 naming the file.
r = run("calc", "-w", "/nonexistent/book.xlsx", "=WS.DESCRIBE(A1:A3)")
check(r.returncode == 2 and "/nonexistent/book.xlsx" in r.stderr, "missing book")

# Help is generated from the registry: every formula listed has help with an example.
r = run("functions")
names = [l.split()[0] for l in r.stdout.splitlines() if l.startswith("  WS.")]
check(r.returncode == 0 and "WS.DESCRIBE" in names, "functions lists WS.DESCRIBE")
for name in names:
    h = run("help", name)
    check(h.returncode == 0 and "Example:" in h.stdout and "Errors:" in h.stdout,
          f"help {name}")

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    # CSV input: one sheet named after the file.
    csv = tmp / "weekly sales.csv"
    csv.write_text("week,sales\n1,10\n2,12\n3,\n4,18\n")
    r = run("calc", "-w", str(csv), "=WS.DESCRIBE('weekly sales'!B2:B5)")
    check(r.returncode == 0 and r.stdout.splitlines()[:2] == ["count\t3", "missing\t1"],
          f"csv calc: {r.stdout!r} {r.stderr!r}")

    # run: the input stays byte-identical; the output holds every sheet plus results.
    book = tmp / "book.xlsx"
    shutil.copy(example, book)
    before = sha(book)
    out = tmp / "out.xlsx"
    r = run("run", str(book), "-o", str(out))
    check(r.returncode == 0, f"run exit {r.returncode}: {r.stderr}")
    check(sha(book) == before, "input unchanged by run")
    check(out.exists(), "output written")
    if out.exists():
        names = zipfile.ZipFile(out).namelist()
        check(sum(n.startswith("xl/worksheets/sheet") for n in names) == 6, "six sheets (one lists jobs)")
        # The results read back through our own reader equal a direct evaluation.
        direct = run("calc", "-w", str(book), "=WS.DESCRIBE(Sales!B2:B157)").stdout
        mean_direct = direct.splitlines()[2].split("\t")[1]
        back = run("calc", "-w", str(out), "=WS.DESCRIBE(Dashboard!B2:B10)").stdout
        check(back.splitlines()[0] == "count\t9", f"spilled DESCRIBE read back: {back!r}")
        got = run("calc", "-w", str(out), "=WS.DESCRIBE(Dashboard!B4)").stdout
        check(got.splitlines()[2] == "mean\t" + mean_direct, f"mean cell {got!r}")
        # The pre-sized array range A32:B40 holds DESCRIBE of the nested SENTIMENT over the
        # quoted Japanese sheet: its count row says 10 comments.
        got = run("calc", "-w", str(out), "=WS.DESCRIBE(Dashboard!B32:B32)").stdout
        check(got.splitlines()[2] == "mean\t10", f"nested array count {got!r}")
        nested = run("calc", "-w", str(book),
                     "=WS.DESCRIBE(WS.SENTIMENT('顧客の声'!A2:A11))").stdout.splitlines()
        back = run("calc", "-w", str(out), "=WS.DESCRIBE(Dashboard!B34)").stdout.splitlines()
        check(back[2] == nested[2], f"nested mean {back[2:3]} {nested[2:3]}")
        # The ordinary formula kept its formula text.
        sheet1 = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
        check("<f>SUM(Sales!B2:B157)</f>" in sheet1, "SUM formula kept")
    check(not [p for p in tmp.iterdir() if p.name.startswith(".out.xlsx")], "no temp left")

    # Writing over the input is refused, and leaves it intact.
    r = run("run", str(book), "-o", str(book))
    check(r.returncode == 2 and "refusing" in r.stderr, f"overwrite refused: {r.stderr!r}")
    check(sha(book) == before, "input intact after a refused overwrite")

    # An unwritable destination: exit 2, nothing left behind.
    r = run("run", str(book), "-o", str(tmp / "no such dir" / "out.xlsx"))
    check(r.returncode == 2, f"unwritable output: {r.returncode} {r.stderr!r}")

print(f"cli: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
