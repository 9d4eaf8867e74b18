"""Processes of the project started by tests: a ``manage.py`` command run to
its end (``manage``), or started in the background and stopped (``start``:
a task worker, two workers counting together).

A process gets the test process's environment, less what must not leak into
it: the settings module and a deployment's own variables (``NOT_INHERITED``,
plus ``without``), and the browser tests' permission to call the ORM beside an
event loop (``DJANGO_ALLOW_ASYNC_UNSAFE``). Production settings by default,
with a secret key and allowed hosts (``PRODUCTION_ENV``).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = "kalanso.settings.production"
TEST = "kalanso.settings.test"
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-value",
    "ALLOWED_HOSTS": "kalanso.example.org",
}
NOT_INHERITED = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def environment(settings: str = PRODUCTION, *, without=(), **env) -> dict:
    """The environment of a process of the project: the test process's, less
    ``NOT_INHERITED`` and ``without``; ``PRODUCTION_ENV`` with production
    settings (a module named so); then ``env``."""
    result = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_INHERITED and key not in without
    }
    result["DJANGO_SETTINGS_MODULE"] = settings
    result["PYTHONUNBUFFERED"] = "1"  # its output readable while it runs
    if "production" in settings:  # also the variants of tests/settings_variants
        result.update(PRODUCTION_ENV)
    result.update(env)
    return result


def manage(
    *args, settings: str = PRODUCTION, without=(), timeout: float = 120, **env
) -> subprocess.CompletedProcess:
    """Run ``manage.py *args`` to its end; its output in ``stdout``/``stderr``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(settings, without=without, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Process:
    """``manage.py *args`` running in the background. Its output goes to
    files: a pipe nobody reads would fill and stop it."""

    def __init__(self, args, env):
        self.args = args
        self._out = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._err = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.popen = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=self._err,
            text=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @staticmethod
    def _read(file) -> str:
        file.flush()
        file.seek(0)
        return file.read()

    def stdout(self) -> str:
        return self._read(self._out)

    def stderr(self) -> str:
        return self._read(self._err)

    def output(self) -> str:
        """Both, for a failing assertion's message."""
        return self.stdout() + self.stderr()

    def running(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float = 300) -> int:
        """Wait for the end; its exit code."""
        return self.popen.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: the process ends at once, as when killed by the system."""
        if self.running():
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM (a worker finishes its task and exits), SIGKILL if it is
        still there after ``timeout`` seconds. Its exit code."""
        if self.running():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.popen.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(*args, settings: str = PRODUCTION, without=(), **env) -> Process:
    """Start ``manage.py *args`` in the background; stop it with
    ``Process.stop`` (or use it as a context manager)."""
    return Process(args, environment(settings, without=without, **env))


def finish(process: Process, timeout: float = 300) -> tuple[int, str, str]:
    """Wait for a background process to end: (exit code, stdout, stderr)."""
    code = process.wait(timeout)
    return code, process.stdout(), process.stderr()


def eventually(condition, timeout: float = 120, interval: float = 0.1, what=""):
    """Wait until ``condition()`` is true (returns its value); fails after
    ``timeout`` seconds, naming ``what`` (a text, or a function giving it:
    e.g. a process's output at that moment)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            if callable(what):
                what = what()
            raise AssertionError(f"Not within {timeout} s: {what or condition}")
        time.sleep(interval)


def database_url(settings_dict: dict) -> str:
    """The dj-database-url address of a database Django is connected to
    (``connection.settings_dict``): a process given it as DATABASE_URL uses
    the same database, e.g. the test database of this test process."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = (
            f"{user}:{password}@" if password else (f"{user}@" if user else "")
        )
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"
    raise NotImplementedError(engine)
