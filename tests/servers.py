"""A second process serving the site, for tests that change content in one
process and read it from another (gunicorn workers, ``publish_scheduled``
from cron): gunicorn with two workers on the test database (an SQLite file
or the PostgreSQL test database), with the test settings' local-memory
cache, so each worker keeps its own cache as on the embedded set-up, and the
test process's page-cache generation file.

Ports come from KALANSO_TEST_SERVER_PORTS ("first-last", default 8660-8679),
so that several test runs on one machine can each be given a range."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
_first, _last = os.environ.get("KALANSO_TEST_SERVER_PORTS", "8660-8679").split("-")
PORTS = range(int(_first), int(_last) + 1)


def free_port(start_offset=0) -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    offset = int(worker[2:] or 0) * 3 + start_offset if worker[2:].isdigit() else 0
    ports = list(PORTS)
    for port in ports[offset % len(ports) :] + ports[: offset % len(ports)]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


def database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def server_env(**extra) -> dict:
    """The environment of a second process on the test database."""
    from django.conf import settings

    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="kalanso.settings.test",
        DATABASE_URL=database_url(),
        KALANSO_GENERATION_FILE=str(settings.KALANSO_GENERATION_FILE),
        PYTHONPATH=str(BASE_DIR),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def run_command(*args, timeout=300, env=None) -> str:
    """``manage.py <args>`` in another process on the test database
    (``env``: more environment variables, e.g. :func:`redis_env`). Starting
    Django alone took 50 s of wall time on the shared 2-CPU machine (load 20),
    hence the generous timeout."""
    done = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=server_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def redis_env(redis_url, key_prefix) -> dict:
    """The environment of a process on Redis' set-up (kalanso.settings.test
    reads it): the cache, and so the page-cache generation, in that Redis
    under that prefix; fragments also kept in each process."""
    return {
        "KALANSO_TEST_SERVER_REDIS_URL": redis_url,
        "KALANSO_TEST_SERVER_CACHE_PREFIX": key_prefix,
    }


class SiteServer:
    """gunicorn serving the site from the test database in other processes."""

    def __init__(self, workers=2, env=None):
        self.workers = workers
        self.env = env or {}
        self.port = None
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=120.0):
        self.port = free_port()
        self.log = Path(
            os.environ.get("TMPDIR", "/tmp"), f"kalanso-test-server-{self.port}.log"
        )
        handle = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kalanso.wsgi:application",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
            ],
            cwd=BASE_DIR,
            env=server_env(**self.env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited:\n{self.log.read_text()}")
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"The server did not start:\n{self.log.read_text()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None

    def get(self, path, cookie=None):
        """(status, body text) of a GET."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest("GET", path)
            if cookie:
                conn.putheader("Cookie", cookie)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def get_all(self, path, cookie=None, times=6):
        """The same page several times, so that every worker serves it."""
        return [self.get(path, cookie) for _ in range(times)]


def session_cookie(user) -> str:
    """A session for ``user`` in the database, as the cookie to send."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The backend that knows users (as the test client's force_login picks it):
    # the first one, django-axes', only refuses locked logins (no get_user).
    session[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
