"""A headless LibreOffice for the host tests: a fresh private profile with extensions
installed, soffice listening on a free local port, and a watchdog on every interaction.

Use as
    with Office([oxt, ...]) as office:
        with office.deadline(60):
            doc = office.load(path)
An Office always kills its soffice process group and removes its profile on exit.
Run with /usr/bin/python3 (the interpreter python3-uno is built for).
"""

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
UNOPKG = shutil.which("unopkg") or "/usr/bin/unopkg"


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


def _on_sigterm(signum, frame):
    # meson's timeout sends SIGTERM: unwind the `with Office` blocks so soffice dies too.
    raise SystemExit(128 + signum)


def import_uno():
    """Check the environment (exit 77 when LibreOffice or python3-uno is missing) and
    make SIGTERM clean up like an exception."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        import uno  # noqa: F401
    except ImportError:
        skip("python3-uno is not importable by %s" % sys.executable)
    if not os.path.exists(SOFFICE):
        skip("soffice not found (install libreoffice-calc)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def file_url(path):
    import uno
    return uno.systemPathToFileUrl(os.path.abspath(path))


def chown_tree(root, uid, gid):
    os.lchown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            os.lchown(os.path.join(dirpath, n), uid, gid)


class Timeout(Exception):
    pass


class Office:
    def __init__(self, extensions=(), env=None, start_timeout=60):
        self.extensions = list(extensions)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.start_timeout = start_timeout
        self.proc = None
        self._killed = True
        self.ctx = None
        self.desktop = None
        self.timed_out = False
        self.root = tempfile.mkdtemp(prefix="ws-lo-")
        self.profile = os.path.join(self.root, "profile")
        os.makedirs(self.profile)
        atexit.register(self.kill)

    # ----- profile -----------------------------------------------------------------------
    def _run(self, cmd, timeout, user=None):
        env = dict(self.env, HOME=self.profile)
        if user:
            cmd = ["runuser", "-u", user, "--", "env", "HOME=" + self.profile] + cmd
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True, text=True)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise Timeout("timed out after %ss: %s" % (timeout, " ".join(cmd)))
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, out))
        return out

    def install_extensions(self):
        """unopkg refuses to run as root on a private profile: run it as nobody on a
        profile nobody owns, then give the profile back (see the add-in notes)."""
        if not self.extensions:
            return
        as_root = os.geteuid() == 0
        staged = []
        for ext in self.extensions:
            dst = os.path.join(self.root, os.path.basename(ext))
            shutil.copyfile(ext, dst)
            staged.append(dst)
        if as_root:
            nobody = pwd.getpwnam("nobody")
            os.chmod(self.root, 0o755)
            chown_tree(self.root, nobody.pw_uid, nobody.pw_gid)
        try:
            for ext in staged:
                self._run([UNOPKG, "add", "--suppress-license",
                           "-env:UserInstallation=" + file_url(self.profile), ext],
                          timeout=120, user="nobody" if as_root else None)
        finally:
            if as_root:
                chown_tree(self.root, 0, 0)

    # ----- soffice -----------------------------------------------------------------------
    def start(self):
        import uno
        from com.sun.star.connection import NoConnectException
        port = free_port()
        log = open(os.path.join(self.root, "soffice.log"), "w")
        self._killed = False
        self.proc = subprocess.Popen(
            [SOFFICE, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", "-env:UserInstallation=" + file_url(self.profile),
             "--accept=socket,host=127.0.0.1,port=%d;urp;StarOffice.ComponentContext" % port],
            env=dict(self.env, HOME=self.profile), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        url = "uno:socket,host=127.0.0.1,port=%d;urp;StarOffice.ComponentContext" % port
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("soffice exited with %s:\n%s" % (self.proc.returncode,
                                                                    self.log_text()))
            try:
                self.ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if time.monotonic() - t0 > self.start_timeout:
                    raise Timeout("soffice did not accept a connection in %ss"
                                  % self.start_timeout)
                time.sleep(0.2)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.ctx)

    def log_text(self):
        try:
            with open(os.path.join(self.root, "soffice.log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def kill(self):
        # The whole group, even when the soffice wrapper has exited: soffice.bin may not.
        # Once only per start, so a recycled process-group id is never hit.
        if not self.proc or self._killed:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self._killed = True

    @contextlib.contextmanager
    def deadline(self, seconds):
        """Kill soffice if the block takes longer; a UNO call blocked on a hung office
        then fails instead of hanging the test."""
        def fire():
            self.timed_out = True
            self.kill()
        timer = threading.Timer(seconds, fire)
        timer.daemon = True
        timer.start()
        try:
            yield
        except Exception:
            if self.timed_out:
                raise Timeout("soffice interaction took more than %ss" % seconds)
            raise
        finally:
            timer.cancel()
        if self.timed_out:
            raise Timeout("soffice interaction took more than %ss" % seconds)

    # ----- documents ---------------------------------------------------------------------
    def _props(self, **kw):
        from com.sun.star.beans import PropertyValue
        out = []
        for k, v in kw.items():
            p = PropertyValue()
            p.Name, p.Value = k, v
            out.append(p)
        return tuple(out)

    def load(self, path):
        return self.desktop.loadComponentFromURL(file_url(path), "_blank", 0,
                                                 self._props(Hidden=True))

    def new_calc(self):
        return self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0,
                                                 self._props(Hidden=True))

    def store(self, doc, path, filter_name):
        doc.storeToURL(file_url(path), self._props(FilterName=filter_name, Overwrite=True))

    # ----- lifetime ----------------------------------------------------------------------
    def __enter__(self):
        try:
            with_deadline = self.deadline(self.start_timeout + 150)
            with with_deadline:
                if self.extensions:
                    # The first start of a fresh profile drops extensions unopkg added
                    # before it (they show as not registered): initialise it first.
                    self.start()
                    self.stop()
                    self.install_extensions()
                self.start()
        except BaseException:
            self.close()
            raise
        return self

    def stop(self):
        """Terminate soffice politely (bounded), then make sure its process group is gone."""
        if self.desktop is not None and self.proc and self.proc.poll() is None:
            # A polite terminate first, bounded; the process group dies below either way.
            done = threading.Event()

            def terminate():
                try:
                    self.desktop.terminate()
                except Exception:
                    pass
                done.set()
            threading.Thread(target=terminate, daemon=True).start()
            done.wait(10)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        self.desktop = self.ctx = None

    def close(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __exit__(self, *exc):
        self.close()
        return False
