#!/usr/bin/env python3
"""Issue 7, "never lose data": the output is whole or absent, the input is never touched.

    test_nolose.py WORLDSHEET_EXE LIBWORLDSHEET_SO [WORKDIR]

1. A full disk, simulated with a file-size limit (RLIMIT_FSIZE in the child, SIGXFSZ at
   its default action as a shell leaves it): at every limit from 0 bytes to past the
   output's size, `worldsheet run` either succeeds with a complete file (byte-identical to
   the unlimited run) or fails with exit 2 and a message, leaving no output and no
   temporary file; an older file at OUT survives a failed run unchanged.
2. The same through the library (ctypes, no CLI): ws_book_save under a file-size limit
   returns WS_ERR_IO and the process lives, SIGXFSZ left at its default action.
3. Writing over the input is refused, however the output path reaches it (the same name,
   ./name, a folder detour, a symbolic link, a hard link), and the input stays
   byte-identical.
"""
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys

FAILS = []


def fail(msg):
    FAILS.append(msg)
    print('FAIL: ' + msg)


def digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(argv, fsize=None, cwd=None, env=None):
    def child():
        # subprocess restores SIGXFSZ to its default in the child (restore_signals), as a
        # shell would leave it; the CLI must not die of it.
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    e = dict(os.environ, WORLDSHEET_CREATED_TIME='1700000000')
    e.update(env or {})
    p = subprocess.run(argv, capture_output=True, text=True, preexec_fn=child, cwd=cwd,
                       env=e, timeout=120)
    return p.returncode, p.stderr


def make_input(path):
    """A CSV whose .xlsx is about 70 KB: 3,000 rows of numbers and text, and a WS formula."""
    with open(path, 'w') as f:
        for i in range(3000):
            f.write('%d,%d.25,label %d,%d\n' % (i + 1, i, i, (i * 7919) % 1000))
        f.write('"=WS.DESCRIBE(A1:A3000)"\n')


def only(folder, allowed):
    return sorted(set(os.listdir(folder)) - set(allowed))


def disk_full(exe, work):
    src = os.path.join(work, 'input.csv')
    make_input(src)
    before = digest(src)
    outdir = os.path.join(work, 'out')
    os.makedirs(outdir)
    full = os.path.join(outdir, 'full.xlsx')
    rc, err = run([exe, 'run', src, '-o', full])
    if rc != 0:
        fail('the unlimited run failed: %s' % err)
        return
    ref = digest(full)
    size = os.path.getsize(full)
    os.unlink(full)
    out = os.path.join(outdir, 'out.xlsx')
    # libxlsxwriter's own temporary files hold the parts uncompressed (about 6 times the
    # output here) and count against the limit too; the last limit leaves room for all.
    limits = [0, 1, 512, 4096, 8192, 16384, 32768, size // 2, size - 1, size, size + 4096,
              4 * size, 64 * size]
    results = []
    for lim in limits:
        rc, err = run([exe, 'run', src, '-o', out], fsize=lim)
        left = only(outdir, ['out.xlsx'])
        if rc == 0:
            if not os.path.exists(out):
                fail('limit %d: exit 0 and no output' % lim)
            elif digest(out) != ref:
                fail('limit %d: exit 0 but the output differs from the full run '
                     '(%d of %d bytes): data lost' % (lim, os.path.getsize(out), size))
        elif rc == 2:
            if os.path.exists(out):
                fail('limit %d: failed but left %s' % (lim, out))
            if 'not saved (is the disk full' not in err:
                fail('limit %d: unclear message: %s' % (lim, err.strip()))
        else:
            fail('limit %d: exit status %d (%s)' % (lim, rc, 'killed by signal %d' % -rc
                                                     if rc < 0 else err.strip()))
        if left:
            fail('limit %d: temporary files left: %s' % (lim, left))
        if lim == limits[-1] and rc != 0:
            fail('limit %d leaves room for everything, yet the run failed' % lim)
        results.append((lim, rc, err.strip().splitlines()[-1] if err.strip() else ''))
        if os.path.exists(out):
            os.unlink(out)
    # An older file at OUT must survive a failed save.
    with open(out, 'wb') as f:
        f.write(b'precious older file')
    old = digest(out)
    rc, err = run([exe, 'run', src, '-o', out], fsize=16384)
    if rc != 2 or digest(out) != old:
        fail('a failed save changed or removed the older file at OUT (exit %d)' % rc)
    if only(outdir, ['out.xlsx']):
        fail('temporary files left after the failed overwrite: %s' % only(outdir, ['out.xlsx']))
    if digest(src) != before:
        fail('the input changed')
    print('disk full (output %d bytes):' % size)
    for lim, rc, msg in results:
        print('  limit %8d bytes: exit %d  %s' % (lim, rc, msg[:150]))


LIB_CHILD = r'''
import ctypes, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)   # python ignores it by default; a host may not
lib = ctypes.CDLL(sys.argv[1])
lib.ws_last_reason.restype = ctypes.c_char_p
book = ctypes.c_void_p()
rng = ctypes.c_void_p()
assert lib.ws_book_new(ctypes.byref(book)) == 0
assert lib.ws_range_new(ctypes.c_size_t(4000), ctypes.c_size_t(4), ctypes.byref(rng)) == 0
for r in range(4000):
    for c in range(4):
        lib.ws_range_set_number(rng, ctypes.c_size_t(r), ctypes.c_size_t(c),
                                ctypes.c_double(r * 4 + c + 0.5))
assert lib.ws_book_add_sheet(book, b"Data", rng, None) == 0
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
st = lib.ws_book_save(book, sys.argv[2].encode(), None)
print(st, lib.ws_last_reason().decode())
sys.stdout.flush()
sigs = signal.sigpending()
print('pending', sorted(int(s) for s in sigs))
'''


def library_sigxfsz(lib, work):
    folder = os.path.join(work, 'lib')
    os.makedirs(folder)
    out = os.path.join(folder, 'out.xlsx')
    env = dict(os.environ)
    # A sanitized library needs its runtime loaded first in a plain interpreter.
    ldd = subprocess.run(['ldd', lib], capture_output=True, text=True).stdout
    runtime = [w for line in ldd.splitlines() for w in line.split()
               if w.startswith('/') and ('libasan' in w or 'libtsan' in w)]
    if runtime:
        env['LD_PRELOAD'] = runtime[0]
        env['ASAN_OPTIONS'] = 'detect_leaks=0'  # the interpreter's own, not ours
    p = subprocess.run([sys.executable, '-c', LIB_CHILD, lib, out], capture_output=True,
                       text=True, timeout=120, env=env)
    print('library under a file-size limit: exit %d, %s' % (p.returncode,
                                                          p.stdout.strip().replace('\n', '; ')))
    if p.returncode != 0:
        fail('the host process died in ws_book_save (status %d): %s' % (p.returncode,
                                                                     p.stderr.strip()))
        return
    status = p.stdout.split()[0]
    if status != '9':
        fail('ws_book_save under a file-size limit returned %s, expected 9 (WS_ERR_IO)'
             % status)
    if 'pending []' not in p.stdout:
        fail('a SIGXFSZ was left pending for the host: %s' % p.stdout)
    if os.listdir(folder):
        fail('files left by the library: %s' % os.listdir(folder))


def overwrite(exe, work):
    folder = os.path.join(work, 'same')
    os.makedirs(os.path.join(folder, 'sub'))
    src = os.path.join(folder, 'book.csv')
    make_input(src)
    before = digest(src)
    os.symlink('book.csv', os.path.join(folder, 'link.xlsx'))
    os.link(src, os.path.join(folder, 'hard.csv'))
    targets = [src, './book.csv', 'sub/../book.csv', os.path.join(folder, 'link.xlsx'),
               'hard.csv']
    for t in targets:
        rc, err = run([exe, 'run', src, '-o', t], cwd=folder)
        if rc != 2 or 'refusing to write over the input' not in err:
            fail('-o %s over the input: exit %d, %s' % (t, rc, err.strip()))
        else:
            print('  -o %-16s refused: %s' % (t, err.strip().splitlines()[-1][:110]))
    # The input given through the link, the output by its real name.
    rc, err = run([exe, 'run', 'link.xlsx', '-o', 'book.csv'], cwd=folder)
    if rc != 2:
        fail('reading through a link and writing the real name: exit %d' % rc)
    if digest(src) != before:
        fail('the input changed')
    left = only(folder, ['book.csv', 'link.xlsx', 'hard.csv', 'sub'])
    if left:
        fail('files left: %s' % left)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    exe, lib = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else 'nolose-work')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    disk_full(exe, os.path.join(work))
    library_sigxfsz(lib, work)
    print('writing over the input:')
    overwrite(exe, work)
    print('%d failures' % len(FAILS))
    return 1 if FAILS else 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
