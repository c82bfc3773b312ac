#!/usr/bin/env python3
"""Issue 7: every file of the hostile corpus (make_hostile.py), run through
`worldsheet run FILE -o OUT.xlsx`, gives correct data or a clear error -- within a generous
time limit, in bounded memory, with no output or temporary file left behind and the input
untouched.

    test_hostile.py WORLDSHEET_EXE [WORKDIR] [--only NAME ...]

Each case is run in a child with an address-space limit (RLIMIT_AS, 1.5 GiB; not under
AddressSanitizer, which reserves terabytes of address space up front) and killed after
TIMEOUT seconds; the timeout is the failure condition, not a measure of speed.  A table of
status, time, peak memory and message per file is printed (the figures of the report).
"""
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_hostile  # noqa: E402

MEMORY_LIMIT = 1536 << 20
TIMEOUT = float(os.environ.get('WS_HOSTILE_TIMEOUT', '120'))
# Files bigger than this are deleted once checked, so the corpus never sits on disk whole.
KEEP_BYTES = 8 << 20


def sanitized(exe):
    try:
        out = subprocess.run(['ldd', exe], capture_output=True, text=True).stdout
    except OSError:
        return False
    return 'libasan' in out or 'libtsan' in out


def run_limited(argv, limit_as, timeout, cwd):
    """Run argv; return (status, stdout, stderr, seconds, max RSS in MiB, timed_out)."""
    def child():
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=child, cwd=cwd)
    timed_out = []

    def kill():
        timed_out.append(True)
        p.kill()
    timer = threading.Timer(timeout, kill)
    timer.start()
    out_chunks, err_chunks = [], []
    t_out = threading.Thread(target=lambda: out_chunks.append(p.stdout.read()))
    t_err = threading.Thread(target=lambda: err_chunks.append(p.stderr.read()))
    t_out.start()
    t_err.start()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    timer.cancel()
    t_out.join()
    t_err.join()
    seconds = time.monotonic() - t0
    return (p.returncode, out_chunks[0].decode('utf-8', 'replace'),
            err_chunks[0].decode('utf-8', 'replace'), seconds, usage.ru_maxrss / 1024.0,
            bool(timed_out))


def digest(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def read_xlsx(path):
    """{sheet name: {'A1': value}} of an xlsx, read with zipfile and ElementTree: only the
    cells the file holds (openpyxl would walk the whole used range, 17 billion cells for
    opposite_corners -- the very failure the corpus tests)."""
    import xml.etree.ElementTree as ET
    import zipfile
    ns = {'m': make_hostile.NS}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        strings = []
        if 'xl/sharedStrings.xml' in names:
            for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
                strings.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
        wb = ET.fromstring(z.read('xl/workbook.xml'))
        rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
        target = {r.get('Id'): r.get('Target') for r in rels}
        books = {}
        for sh in wb.find('m:sheets', ns):
            rid = sh.get('{%s}id' % make_hostile.RNS)
            part = 'xl/' + target[rid].lstrip('/').replace('xl/', '', 1)
            cells = {}
            for c in ET.fromstring(z.read(part)).iter('{%s}c' % ns['m']):
                v = c.find('m:v', ns)
                t = c.get('t', 'n')
                if t == 'inlineStr':
                    val = ''.join(x.text or '' for x in c.iter('{%s}t' % ns['m']))
                elif v is None:
                    continue
                elif t == 's':
                    val = strings[int(v.text)]
                elif t in ('str', 'e'):
                    val = v.text or ''
                elif t == 'b':
                    val = v.text == '1'
                else:
                    f = float(v.text)
                    val = int(f) if f.is_integer() else f
                cells[c.get('r')] = val
            books[sh.get('name')] = cells
    return books


def check_output(case, out):
    try:
        book = read_xlsx(out)
    except Exception as e:  # noqa: BLE001 -- any failure to read is the finding
        return 'the output is not a readable xlsx: %s' % e
    return case['check'](book) if case['check'] else None


def main():
    args = sys.argv[1:]
    only = []
    if '--only' in args:
        k = args.index('--only')
        only, args = args[k + 1:], args[:k]
    if not args:
        sys.exit(__doc__)
    exe = os.path.abspath(args[0])
    work = os.path.abspath(args[1] if len(args) > 1 else 'hostile-work')
    shutil.rmtree(work, ignore_errors=True)
    indir, outdir = os.path.join(work, 'in'), os.path.join(work, 'out')
    os.makedirs(indir)
    os.makedirs(outdir)
    limit_as = not sanitized(exe)
    cases = [c for c in make_hostile.CASES if not only or c['name'] in only]
    failures = []
    print('%-32s %-6s %7s %8s  %s' % ('file', 'result', 'seconds', 'max MiB', 'message'))
    for case in cases:
        name = case['name']
        src = make_hostile.make(indir, [name])[0]
        path = os.path.join(indir, name)
        before = digest(path)
        out = os.path.join(outdir, os.path.splitext(name)[0] + '.out.xlsx')
        argv = [exe, 'run', path, '-o', out] + case['args']
        rc, stdout, stderr, secs, rss, timed_out = run_limited(argv, limit_as, TIMEOUT, work)
        problems = []
        message = ' | '.join(l for l in stderr.strip().splitlines()
                             if 'formulas evaluated' not in l)[:400]
        if timed_out:
            problems.append('did not finish within %.0f s' % TIMEOUT)
        elif rc < 0 or rc > 2:
            problems.append('crashed or died: exit status %d' % rc)
        expect = case['expect']
        if not timed_out and rc == 0 and expect in ('ok', 'either'):
            if not os.path.exists(out):
                problems.append('exit 0 but no output file')
            else:
                why = check_output(case, out)
                if why:
                    problems.append(why)
            import re
            for pat in case['says'] if expect == 'ok' else []:
                if not re.search(pat, stderr):
                    problems.append('no warning matching /%s/' % pat)
        elif not timed_out and rc == 2 and expect in ('error', 'either'):
            import re
            for pat in case['says']:
                if not re.search(pat, stderr):
                    problems.append('message does not match /%s/' % pat)
            if os.path.exists(out):
                problems.append('an output file was left after the error')
        elif not timed_out and rc >= 0:
            problems.append('exit status %d, expected %s' % (rc, expect))
        if 'root:x:' in stderr or 'root:x:' in stdout:
            problems.append('/etc/passwd leaked')
        leftovers = [f for f in os.listdir(outdir) if f != os.path.basename(out)]
        if leftovers:
            problems.append('files left in the output folder: %s' % leftovers)
        if digest(path) != before:
            problems.append('the input file changed')
        result = 'FAIL' if problems else ('ok' if rc == 0 else 'error')
        print('%-32s %-6s %7.2f %8.0f  %s' % (name, result, secs, rss,
                                             message if message else '(exit %d)' % rc))
        for p in problems:
            print('    FAIL: %s' % p)
        if problems:
            failures.append(name)
        for f in os.listdir(outdir):
            os.unlink(os.path.join(outdir, f))
        if os.path.getsize(path) > KEEP_BYTES:
            os.unlink(path)
        del src
        sys.stdout.flush()
    # The same formulas typed at the command line (calc): a usage error naming the limit.
    deep = '=WS.DESCRIBE(' + '(' * 10000 + '1' + ')' * 10000 + ')'
    long_ = '=WS.DESCRIBE(' + ','.join(['1'] * 50000) + ')'
    for label, formula, flag in [('calc nested 10,000 deep', deep, '--max-formula-depth'),
                                 ('calc 100 KB long', long_, '--max-formula-bytes')]:
        if only:
            break
        rc, _, stderr, secs, rss, timed_out = run_limited([exe, 'calc', formula], limit_as,
                                                          TIMEOUT, work)
        ok = not timed_out and rc == 1 and flag in stderr
        print('%-32s %-6s %7.2f %8.0f  %s' % (label, 'error' if ok else 'FAIL', secs, rss,
                                             ' | '.join(stderr.strip().splitlines())[:300]))
        if not ok:
            failures.append(label)
    print('\n%d files, %d failed%s' % (len(cases), len(failures),
                                       ': ' + ', '.join(failures) if failures else ''))
    return 1 if failures else 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
