#!/usr/bin/env python3
"""Seed corpora and dictionaries for the fuzz targets (run by run.sh).

    make_seeds.py SOURCE_ROOT WORLDSHEET_EXE OUTDIR

OUTDIR/<target>/ gets seeds in each harness's input format, OUTDIR/<target>.dict its
dictionary:
    fuzz_xlsx     whole .xlsx files, and "sheet XML NUL sharedStrings NUL styles NUL
                  workbook" part lists taken from them (the harness's packed form)
    fuzz_ods      "content.xml NUL styles.xml" of every .ods
    fuzz_csv      the CSV test files and small generated ones
    fuzz_formula  every formula of the test books, and each registry formula's example
                  (from `worldsheet help`)
    fuzz_run      whole files: test books, reader test files, the small hostile ones
Everything is deterministic.
"""
import glob
import hashlib
import os
import re
import subprocess
import sys
import zipfile

ROOT, EXE, OUT = sys.argv[1:4]
sys.path.insert(0, os.path.join(ROOT, 'tests', 'hostile'))
import make_hostile  # noqa: E402


def put(target, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


def files(*patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(ROOT, p), recursive=True))
    return out


XLSX = files('tests/data/books/*.xlsx', 'tests/io/write/golden/**/*.xlsx')
ODS = files('tests/data/books/*.ods', 'tests/io/ods/*.ods', 'tests/io/ods/hostile/*.ods')
CSV = files('tests/io/csv/*.csv', 'examples/**/*.csv')
FORMULAS = set()

for path in XLSX:
    data = open(path, 'rb').read()
    put('fuzz_xlsx', data)
    put('fuzz_run', data)
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        continue
    names = z.namelist()
    get = lambda n: z.read(n) if n in names else b''  # noqa: E731
    for sheet in [n for n in names if n.startswith('xl/worksheets/sheet')]:
        body = get(sheet)
        put('fuzz_xlsx', b'\0'.join([body, get('xl/sharedStrings.xml'), get('xl/styles.xml'),
                                     get('xl/workbook.xml')]))
        FORMULAS.update(f.decode('utf-8', 'replace')
                        for f in re.findall(rb'<f[^>]*>([^<]{1,2000})</f>', body))

for path in ODS:
    data = open(path, 'rb').read()
    put('fuzz_run', data)
    try:
        z = zipfile.ZipFile(path)
        names = z.namelist()
        content = z.read('content.xml') if 'content.xml' in names else b''
        styles = z.read('styles.xml') if 'styles.xml' in names else b''
    except (zipfile.BadZipFile, KeyError, OSError, zipfile.LargeZipFile, EOFError):
        continue
    except Exception:  # noqa: BLE001 -- hostile test files may break zipfile in other ways
        continue
    put('fuzz_ods', content + (b'\0' + styles if styles else b''))
    FORMULAS.update(f.decode('utf-8', 'replace').replace('of:=', '=')
                    for f in re.findall(rb'table:formula="([^"]{1,2000})"', content))

for path in CSV:
    data = open(path, 'rb').read()
    if len(data) < 256 * 1024:
        put('fuzz_csv', data)
        put('fuzz_run', data)
for seed in ['a,b,c\n1,2,3\n', '"x ""y""",2\r\n3,"multi\nline"\n', 'x;y\n1,5;2\n',
             '\ufeffname\tvalue\n\u58f2\u4e0a\t12\n', '1\n2\n3\n4\n5\n"=WS.DESCRIBE(A1:A5)"\n']:
    put('fuzz_csv', seed)
    put('fuzz_run', seed)

# The small hostile files (the big ones only teach the fuzzer to hit limits).
hostile = os.path.join(OUT, '.hostile')
os.makedirs(hostile, exist_ok=True)
for case in make_hostile.CASES:
    if 'csv_' in case['name'] and '100' in case['name']:
        continue
    if case['name'].startswith(('bomb_', 'cells_20m', 'huge_', 'many_', 'deep_', 'size_lie')):
        continue
    path = os.path.join(hostile, case['name'])
    case['make'](path)
    if os.path.getsize(path) <= 64 * 1024:
        put('fuzz_run', open(path, 'rb').read())
    os.unlink(path)

# Formula examples from the registry, through the CLI (the one source of names).
names = []
listing = subprocess.run([EXE, 'functions'], capture_output=True, text=True).stdout
for line in listing.splitlines():
    m = re.match(r'\s+(WS\.[A-Z0-9_.]+)\s', line)
    if m:
        names.append(m.group(1))
        help_text = subprocess.run([EXE, 'help', m.group(1)], capture_output=True,
                                   text=True).stdout
        ex = re.search(r'Example:\n\s+(=.*)', help_text)
        if ex:
            FORMULAS.add(ex.group(1))
for f in sorted(FORMULAS):
    put('fuzz_formula', f)
    put('fuzz_formula', f.replace(',', ';'))
for f in ['=WS.DESCRIBE(A1:A40)', "=WS.DESCRIBE('Data'!B1:B40)", '=WS.DESCRIBE({1,2;3,4})',
          '=WS.DESCRIBE(A:A)', '=WS.DESCRIBE(D1:D40)', '=WS.DESCRIBE(-A1, , TRUE, #N/A)']:
    put('fuzz_formula', f)

# Dictionaries: the readers' own, plus formula tokens and the registry's names.
def read(path):
    return open(os.path.join(ROOT, path)).read() if os.path.exists(os.path.join(ROOT, path)) else ''


formula_dict = read('tests/fuzz/formula.dict') + ''.join('"%s("\n' % n for n in names)
dicts = {
    'fuzz_xlsx': read('tests/io/xlsx/xlsx.dict') + formula_dict,
    'fuzz_ods': read('tests/io/ods/ods.dict') + formula_dict,
    'fuzz_csv': read('tests/io/csv/csv.dict') + formula_dict,
    'fuzz_formula': formula_dict,
    'fuzz_run': read('tests/io/xlsx/xlsx.dict') + read('tests/io/ods/ods.dict') +
                read('tests/io/csv/csv.dict') + formula_dict,
}
for target, text in dicts.items():
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target + '.dict'), 'w') as f:
        f.write(text)
for target in dicts:
    print('%-13s %5d seeds' % (target, len(os.listdir(os.path.join(OUT, target)))))
