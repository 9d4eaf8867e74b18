"""What every benchmark shares: production settings for a throw-away
environment, Django in this process or in a child, a scratch PostgreSQL
database, the measuring loop, gunicorn and plain HTTP, and the report table.

The benchmarks are modules of the ``bench`` package, run from the repository
root: ``.venv/bin/python -m bench.run`` (see bench/README.md).
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
# Long enough for Django's checks; the benchmark's data is thrown away.
SECRET_KEY = "bench-only-secret-key-bench-only-secret-key-0123456789"


class BenchError(Exception):
    """The measurement is meaningless or the figures are wrong: reported, exit 1."""


def log(message=""):
    print(message, flush=True)


# --- Settings -------------------------------------------------------------------------


def production_env(*, database_url, tmp=None, log_level="ERROR", **extra) -> dict:
    """The environment of a benchmark: ``kalanso.settings.production`` over
    plain HTTP, on ``database_url``, with files in ``tmp`` (nothing is written
    into the project) and ``extra`` variables on top.

    REDIS_URL passes through (to benchmark the Redis cache) and mail goes
    nowhere, so a developer's .env cannot point a benchmark at a shared Redis
    by accident or at a real mail server."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="kalanso.settings.production",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
        DATABASE_URL=database_url,
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        EMAIL_HOST="",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", log_level),
        PYTHONPATH=os.pathsep.join(
            [str(BASE_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        PYTHONDONTWRITEBYTECODE="1",
    )
    if tmp is not None:
        for name, folder in (
            ("STATIC_ROOT", "static"),
            ("MEDIA_ROOT", "media"),
            ("PRIVATE_MEDIA_ROOT", "private_media"),
        ):
            env[name] = str(Path(tmp) / folder)
            (Path(tmp) / folder).mkdir(exist_ok=True)
    env.update({name: str(value) for name, value in extra.items()})
    return env


def sqlite_or_env_url(tmp) -> str:
    """DATABASE_URL when set (used as is: point it at a scratch database),
    otherwise a new SQLite file in ``tmp``."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"


def django_setup(env: dict) -> None:
    """Set Django up in this process with the benchmark's environment."""
    # Benchmarks that render no page collect no static file.
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.update(env)
    import django

    django.setup()


@contextmanager
def throwaway_site(*, collectstatic=False, **extra):
    """Django set up in this process on a throw-away site: a temp dir for the
    files and a new SQLite database there (or DATABASE_URL, used as is),
    migrated. Yields the temp dir, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="kalanso-bench-") as tmp:
        django_setup(
            production_env(database_url=sqlite_or_env_url(tmp), tmp=tmp, **extra)
        )
        migrate(collectstatic=collectstatic)
        try:
            yield Path(tmp)
        finally:
            from django.db import connections

            connections.close_all()


def migrate(*, collectstatic=False) -> None:
    """Migrate the benchmark's database (and collect the static files, for
    pages that link them by their hashed names). Django must be set up."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)


def plain_static_files():
    """Pages link their CSS through the plain storage, so nothing needs
    collecting (production's manifest lookup is a dictionary read). Returns
    the override, enabled."""
    from django.conf import settings
    from django.test.utils import override_settings

    override = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    )
    override.enable()
    return override


# --- PostgreSQL ------------------------------------------------------------------------


def maintenance_connection(database_url: str, **options):
    """A psycopg connection to the ``postgres`` database of the server that
    ``database_url`` names (to create, drop or probe a database)."""
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        **options,
    )


def check_postgres(database_url: str, *, drop: bool = True) -> str:
    """The name of the scratch database, once PostgreSQL answers and the old
    one is dropped (unless ``drop`` is false: a benchmark measuring again on
    the data it built); BenchError otherwise."""
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(
            f"DATABASE_URL must point at PostgreSQL (got {parts.scheme!r}): this "
            "benchmark measures queries on PostgreSQL."
        )
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise BenchError(
            f"The benchmark drops and recreates the database {name!r}: point "
            "DATABASE_URL at a scratch database whose name contains 'bench'."
        )
    import psycopg

    try:
        with maintenance_connection(
            database_url, connect_timeout=5, autocommit=True
        ) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            if drop:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.OperationalError as exc:
        host = f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
        raise BenchError(
            f"PostgreSQL is unreachable at {host} ({exc}).\n"
            "Start it, or set DATABASE_URL=postgres://USER[:PASSWORD]@HOST:PORT/"
            "kalanso_bench."
        ) from exc
    what = "dropped and recreated" if drop else "kept"
    log(f"PostgreSQL {version}, database {name!r} ({what}).")
    return name


def fresh_database(name: str) -> None:
    """Create and migrate the scratch database (Django's test-database
    machinery, with the test database named as the scratch database)."""
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=False
    )


# --- Measuring ---------------------------------------------------------------------------


def count_queries(function) -> int:
    """The SQL queries of one call of ``function``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        function()
    return len(ctx.captured_queries)


def timed(function, repeat) -> list[float]:
    """The duration in seconds of each of ``repeat`` calls."""
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


def measure(function, repeat):
    """``(durations, queries)``: one warm-up call whose SQL queries are
    counted, then ``repeat`` timed calls."""
    queries = count_queries(function)
    return timed(function, repeat), queries


def table(head, rows, right_from=1) -> None:
    """Print rows under a header, columns as wide as their widest cell;
    columns from ``right_from`` on are right-aligned."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(cell) for cell in col) for col in zip(head, *rows, strict=True)]

    def line(cells):
        return " | ".join(
            cell.rjust(width) if i >= right_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    log(line(head))
    log("-+-".join("-" * width for width in widths))
    for row in rows:
        log(line(row))


# --- Child processes, gunicorn and HTTP ---------------------------------------------------


def python_module(module, *args) -> list[str]:
    """The command that runs ``python -m <module>`` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def run_module(module, *args, env) -> None:
    """Run a benchmark module in a child process (from the repository root)."""
    subprocess.run(python_module(module, *args), cwd=BASE_DIR, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, logfile: Path, port, workers, extra_args=()):
    """gunicorn serving the site on 127.0.0.1:port, its output in logfile
    (``extra_args`` added to its command line)."""
    handle = logfile.open("w")
    process = subprocess.Popen(
        python_module(
            "gunicorn",
            "kalanso.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            *extra_args,
        ),
        env=env,
        cwd=BASE_DIR,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches us, not gunicorn: we stop it
    )
    process.bench_handle = handle
    process.bench_log = logfile
    return process


def server_log(process, lines=30) -> str:
    path = process.bench_log
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop_gunicorn(process) -> None:
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only gunicorn
            process.wait(timeout=5)
    process.bench_handle.close()


def wait_until_up(process, port, expected_workers, timeout=60.0) -> None:
    """Until /healthz answers "ok" and every worker has started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited early:\n{server_log(process)}")
        try:
            status, _headers, body = fetch(port, "/healthz", timeout=2)
            if (
                status == 200
                and body.strip() == b"ok"
                and len(child_pids(process.pid)) >= expected_workers
            ):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(
        f"gunicorn did not answer /healthz in time:\n{server_log(process)}"
    )


def fetch(port, path, cookie=None, timeout=30):
    """GET with the same headers as wrk (Host only, plus the cookie): no
    Accept-Encoding, so it shares the page-cache entry wrk uses."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        if cookie:
            conn.putheader("Cookie", cookie)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# --- CPU accounting (/proc) -----------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid):
    with open(f"/proc/{pid}/stat") as handle:
        data = handle.read()
    fields = data[data.rindex(")") + 2 :].split()  # fields[0] is field 3 (state)
    return int(fields[1]), int(fields[11]) + int(fields[12])  # ppid, utime+stime


def child_pids(parent_pid) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if _proc_stat(entry)[0] == parent_pid:
                    pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return sorted(pids)


def children_cpu_ticks(parent_pid) -> dict[int, int]:
    """CPU time (user + system, in clock ticks) of each child of parent_pid."""
    ticks = {}
    for pid in child_pids(parent_pid):
        try:
            ticks[pid] = _proc_stat(pid)[1]
        except OSError:
            continue
    return ticks
