"""The production stack on this machine: PostgreSQL, Redis, gunicorn with four
workers on production settings, and the task worker.

    .venv/bin/python -m scripts.stack            # = make stack: start, wait for Ctrl-C
    .venv/bin/python -m scripts.stack --smoke    # = make smoke: start, journey, stop

What it does:

1. **Services.** PostgreSQL at ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/kalanso_stack``, a dedicated database,
   dropped and recreated) and Redis at ``REDIS_URL`` (default
   ``redis://127.0.0.1:6379/9``, under a key prefix of its own whose keys are
   deleted at the end). When either does not answer, or with
   ``--own-services``, the script starts its own: a throw-away PostgreSQL
   cluster (``initdb`` + ``pg_ctl``, as the ``postgres`` user when run as
   root) and a ``redis-server``, on the ports after the site's, in the work
   directory.
2. **The site.** ``kalanso.settings.production`` with a throw-away secret key
   and signing key, ``BASE_URL=https://127.0.0.1:<port>``, files in the work
   directory (``var/stack/`` unless ``--workdir``): ``migrate``,
   ``collectstatic``, ``seed_demo --force``, then ``check --deploy
   --fail-level WARNING`` — the stack runs the settings a deployment runs,
   unchanged (HTTPS redirect, secure cookies, HSTS).
3. **The processes.** gunicorn (``-w 4``) on 127.0.0.1:<port> (8650 by
   default, ``--port``) and ``manage.py db_worker`` (django-tasks-db), each
   with its log in the work directory.

HTTPS: as behind the TLS-terminating proxy of a deployment, the clients of the
stack send ``X-Forwarded-Proto: https`` (the settings trust that header). To
browse the stack at http://127.0.0.1:8650 in a browser, start it with
``--plain-http`` (``SECURE_SSL_REDIRECT=0``; browsers keep secure cookies on
loopback).

The smoke journey (``--smoke``, :mod:`scripts.smoke`) then runs through it
and everything is stopped; the exit status says whether it passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import (
    BASE_DIR,
    BenchError,
    log,
    maintenance_connection,
    production_env,
    python_module,
    server_log,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DEFAULT_PORT = int(os.environ.get("STACK_PORT", "8650"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kalanso_stack"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
WORKERS = 4


class StackError(BenchError):
    """The stack could not start, or the journey failed: reported, exit 1."""


def run(command, *, env=None, check=True, quiet=True, timeout=600):
    result = subprocess.run(
        command,
        cwd=BASE_DIR,
        env=env,
        capture_output=quiet,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise StackError(f"{' '.join(map(str, command))} failed:\n{output}")
    return result


# --- Services ----------------------------------------------------------------------


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with maintenance_connection(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        )
    except redis.RedisError:
        return False


def recreate_database(url: str) -> None:
    """Drop and create the database of ``url`` (its name must name the stack
    or a benchmark: it is thrown away)."""

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not any(word in name for word in ("stack", "bench", "smoke")):
        raise StackError(
            f"The stack drops and recreates the database {name!r}: point "
            "DATABASE_URL at a database whose name contains 'stack'."
        )
    with maintenance_connection(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as ``postgres``."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresCluster:
    """A throw-away PostgreSQL cluster in ``datadir`` on 127.0.0.1:``port``,
    trusting local connections (it holds nothing but test data)."""

    def __init__(self, datadir: Path, port: int):
        self.datadir = Path(datadir)
        self.port = port
        self.logfile = self.datadir.parent / f"postgres-{port}.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/kalanso_stack"

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def init(self) -> None:
        if self.datadir.exists():
            shutil.rmtree(self.datadir)
        self.datadir.mkdir(parents=True)
        self._chown(self.datadir)
        self.datadir.chmod(0o700)
        self.logfile.touch()
        self._chown(self.logfile)
        run(
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.datadir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ]
            )
        )
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.datadir}'\n"
                "max_connections = 200\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\nshared_buffers = 128MB\n"
            )

    def pg_ctl(self, *args, check=True):
        return run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.logfile),
                    *args,
                ]
            ),
            check=check,
        )

    def start(self) -> None:
        self.pg_ctl("-w", "-t", "60", "start")

    def stop(self, mode="fast") -> None:
        self.pg_ctl("-w", "-t", "60", "-m", mode, "stop", check=False)

    def restart(self) -> None:
        self.pg_ctl("-w", "-t", "60", "-m", "fast", "restart")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


class RedisServer:
    """A redis-server of our own on 127.0.0.1:``port``, nothing saved to disk."""

    def __init__(self, workdir: Path, port: int):
        self.workdir = Path(workdir)
        self.port = port
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise StackError("redis-server is missing (apt-get install redis-server).")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--logfile",
                str(self.workdir / f"redis-{self.port}.log"),
            ],
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not redis_answers(self.url):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise StackError(f"redis-server did not start on port {self.port}.")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


# --- The stack ------------------------------------------------------------------------


def signing_key_file(workdir: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = workdir / "signing-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return path


class Stack:
    """The site on production settings: gunicorn and the task worker, over a
    PostgreSQL database and a Redis (given, or started here)."""

    def __init__(
        self,
        workdir: Path,
        *,
        port: int = DEFAULT_PORT,
        database_url: str | None = None,
        redis_url: str | None = None,
        own_services: bool = False,
        plain_http: bool = False,
        workers: int = WORKERS,
        task_workers: int = 1,
        seed: bool = True,
        extra_env: dict | None = None,
    ):
        self.workdir = Path(workdir).resolve()
        self.port = port
        self.database_url = database_url or os.environ.get(
            "STACK_DATABASE_URL", DEFAULT_DATABASE_URL
        )
        self.redis_url = redis_url or os.environ.get(
            "STACK_REDIS_URL", DEFAULT_REDIS_URL
        )
        self.own_services = own_services
        self.plain_http = plain_http
        self.workers = workers
        self.task_workers = task_workers
        self.seed = seed
        self.extra_env = extra_env or {}
        self.cluster: PostgresCluster | None = None
        self.redis: RedisServer | None = None
        self.gunicorn = None
        self.task_processes: list[subprocess.Popen] = []
        self.key_prefix = f"kalanso-stack-{uuid.uuid4().hex[:8]}"
        self.env: dict = {}

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # Services ------------------------------------------------------------------

    def start_services(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.workdir.stat().st_mode & 0o001 == 0 and os.geteuid() == 0:
            # The postgres user must reach its data directory inside.
            self.workdir.chmod(0o755)
        if self.own_services or not postgres_answers(self.database_url):
            if not self.own_services:
                log(f"PostgreSQL does not answer at {self.database_url}: starting one.")
            self.cluster = PostgresCluster(
                self.workdir / "postgres", port=self.port + 1
            )
            self.cluster.init()
            self.cluster.start()
            self.database_url = self.cluster.url
        if self.own_services or not redis_answers(self.redis_url):
            if not self.own_services:
                log(f"Redis does not answer at {self.redis_url}: starting one.")
            self.redis = RedisServer(self.workdir, port=self.port + 2)
            self.redis.start()
            self.redis_url = self.redis.url
        log(f"PostgreSQL: {_safe(self.database_url)}; Redis: {self.redis_url}")

    # The site --------------------------------------------------------------------

    def build_env(self) -> dict:
        self.env = production_env(
            database_url=self.database_url,
            tmp=self.workdir,
            log_level="WARNING",
            REDIS_URL=self.redis_url,
            CACHE_KEY_PREFIX=self.key_prefix,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BASE_URL=self.base_url,
            SECURE_SSL_REDIRECT="0" if self.plain_http else "1",
            KALANSO_SIGNING_KEY_FILE=str(signing_key_file(self.workdir)),
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            **self.extra_env,
        )
        self.env.pop("KALANSO_SIGNING_KEY", None)
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return self.env

    def manage(self, *args, **kwargs):
        return run(python_module("django", *args), env=self.env, **kwargs)

    def prepare(self) -> None:
        started = time.monotonic()
        recreate_database(self.database_url)
        self.build_env()
        steps = [("migrate", "--noinput"), ("collectstatic", "--noinput")]
        if self.seed:
            steps.append(("seed_demo", "--force"))
        if self.seed and not self.plain_http:
            steps.append(("check", "--deploy", "--fail-level", "WARNING"))
        for step in steps:
            began = time.monotonic()
            self.manage(*step)
            log(f"  {step[0]}: {time.monotonic() - began:.0f} s")
        log(f"Database migrated and seeded in {time.monotonic() - started:.0f} s.")

    def start_site(self) -> None:
        self.gunicorn = start_gunicorn(
            self.env,
            self.workdir / "gunicorn.log",
            self.port,
            self.workers,
            # No control socket: its default path is shared by every gunicorn
            # of the user on the machine.
            extra_args=["--no-control-socket"],
        )
        # No worker runs yet: a task left "running" was interrupted.
        self.manage("requeue_stale_tasks", "--older-than", "0")
        for _ in range(self.task_workers):
            self.start_task_worker()
        # Four workers import the whole site at once: slow on a busy machine.
        wait_until_up(self.gunicorn, self.port, self.workers, timeout=300)
        log(
            f"gunicorn ({self.workers} workers) on http://127.0.0.1:{self.port}, "
            f"{len(self.task_processes)} task worker(s); logs in {self.workdir}"
        )

    def start_task_worker(self) -> subprocess.Popen:
        index = len(self.task_processes)
        handle = (self.workdir / f"worker-{index}.log").open("a")
        process = subprocess.Popen(
            python_module(
                "django",
                "db_worker",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--no-reload",
                "--worker-id",
                f"stack-{index}",
            ),
            env=self.env,
            cwd=BASE_DIR,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.stack_handle = handle
        self.task_processes.append(process)
        return process

    def stop_task_worker(self, process, sig=signal.SIGTERM) -> None:
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        process.stack_handle.close()

    def check_processes(self) -> int:
        """gunicorn must run; a task worker that exited is started again, as
        its supervisor (systemd ``Restart=always``) would: db_worker exits
        when its database connection fails, e.g. PostgreSQL restarting.
        Returns how many workers were started again."""
        if self.gunicorn is not None and self.gunicorn.poll() is not None:
            raise StackError(f"gunicorn exited:\n{server_log(self.gunicorn)}")
        revived = 0
        for process in list(self.task_processes):
            if process.poll() is not None:
                log(
                    f"The task worker exited ({process.returncode}): starting it again."
                )
                process.stack_handle.close()
                self.task_processes.remove(process)
                self.start_task_worker()
                revived += 1
        return revived

    def up(self) -> None:
        self.start_services()
        self.prepare()
        self.start_site()

    def down(self) -> None:
        for process in self.task_processes:
            self.stop_task_worker(process)
        self.task_processes = []
        stop_gunicorn(self.gunicorn)
        self.gunicorn = None
        self.forget_redis_keys()
        if self.redis is not None:
            self.redis.stop()
        if self.cluster is not None:
            self.cluster.remove()

    def forget_redis_keys(self) -> None:
        if self.redis is not None:
            return  # our own server, stopped next
        import redis

        try:
            client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
            keys = list(client.scan_iter(f"{self.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start : start + 500])
        except redis.RedisError as exc:
            log(f"Could not delete the stack's Redis keys: {exc}")

    def gunicorn_errors(self) -> list[str]:
        """Tracebacks and 5xx lines in gunicorn's log (production logs errors)."""
        path = self.workdir / "gunicorn.log"
        if not path.exists():
            return []
        return [
            line
            for line in path.read_text(errors="replace").splitlines()
            if "Traceback" in line
            or " ERROR " in line
            or "Internal Server Error" in line
        ]


def _safe(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="run the journey, stop")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--workdir", type=Path, default=BASE_DIR / "var" / "stack", help="files, logs"
    )
    parser.add_argument("--own-services", action="store_true")
    parser.add_argument("--plain-http", action="store_true")
    args = parser.parse_args(argv)

    if args.workdir.exists():
        shutil.rmtree(args.workdir)
    stack = Stack(
        args.workdir,
        port=args.port,
        own_services=args.own_services,
        plain_http=args.plain_http and not args.smoke,
    )
    started = time.monotonic()
    try:
        stack.up()
        if args.smoke:
            from scripts import smoke

            smoke.journey(stack)
            log(f"Smoke journey passed ({time.monotonic() - started:.0f} s in all).")
            return 0
        log(f"\nThe stack is up: {stack.base_url} (Ctrl-C stops it).")
        if not args.plain_http:
            log(
                "Clients must send 'X-Forwarded-Proto: https' (as a TLS proxy "
                "would); --plain-http to browse it."
            )
        while True:
            time.sleep(2)
            stack.check_processes()
    except KeyboardInterrupt:
        log("\nStopping.")
        return 0
    except BenchError as error:
        log(f"\nFAILED: {error}")
        for name in ("gunicorn.log", "worker-0.log"):
            path = stack.workdir / name
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-40:]
                log(f"--- {name} (last lines) ---\n" + "\n".join(tail))
        return 1
    finally:
        stack.down()


if __name__ == "__main__":
    sys.exit(main())
