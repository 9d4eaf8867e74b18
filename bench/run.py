"""Throughput benchmark: production settings, gunicorn, wrk on loopback.

    .venv/bin/python -m bench.run [--rounds 3] [--duration 5] [--setups sqlite,pg]

Runs two set-ups one after the other, each in a throw-away environment (temp
dir, collected static files, media, the demo content) served by gunicorn:

    sqlite  SQLite file + local-memory cache (the embedded default)
    pg      PostgreSQL + Redis (production): DATABASE_URL and REDIS_URL, or
            the machine's services (postgres://postgres@127.0.0.1:5432/
            kalanso_bench, redis://127.0.0.1:6379/0 under a key prefix of
            its own, whose keys are deleted at the end)

and measures, alternating in every round:

    trivial     /healthz (the floor: WSGI + middleware, no page)
    lesson anon a lesson of the public demo course, anonymous (page cache)
    lesson auth the same lesson for the enrolled demo trainee (session cookie)
    course      the course page, logged in
    my learning "Mes formations", logged in
    quiz        a quiz page the trainee may sit, logged in

For each page: requests/s (median of the rounds), throughput relative to the
trivial view of the same round (median), CPU time of the gunicorn workers per
request, SQL queries and cache calls per request (``X-Query-Count`` and
``X-Cache-Calls`` headers). Both tables are printed at the end. See README.md.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import (
    BASE_DIR,
    BENCH_DIR,
    CLK_TCK,
    BenchError,
    check_postgres,
    children_cpu_ticks,
    fetch,
    free_port,
    log,
    maintenance_connection,
    production_env,
    python_module,
    server_log,
    start_gunicorn,
    stop_gunicorn,
    table,
    wait_until_up,
)

DEMO_COURSE_TITLE = "Sensibilité aux conflits : les fondamentaux"
DEMO_TRAINEE = "apprenant@kalanso.test"
PERSONAL_MARKERS = ("Mark as complete", "Marquer")
# Share of the trivial view's req/s, per set-up (issue #18).
TARGETS = {
    "sqlite": {"anon": 0.85, "auth": 0.10},
    "pg": {"anon": 0.85, "auth": 0.20, "course": 0.10, "mine": 0.10, "quiz": 0.10},
}
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/kalanso_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

PAGES = [  # (key, label)
    ("trivial", "trivial view /healthz"),
    ("anon", "lesson, anonymous"),
    ("auth", "lesson, logged in"),
    ("course", "course page, logged in"),
    ("mine", "Mes formations"),
    ("quiz", "quiz page, logged in"),
]
SETUPS = {
    "sqlite": "SQLite + local-memory cache",
    "pg": "PostgreSQL + Redis",
}


# --- Environment ---------------------------------------------------------------


def bench_env(tmp: Path, setup: str, key_prefix: str) -> dict:
    if setup == "sqlite":
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        redis_url = ""
    else:
        database_url = os.environ.get("DATABASE_URL") or DEFAULT_PG_URL
        redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    env = production_env(
        database_url=database_url,
        tmp=tmp,
        log_level="WARNING",
        KALANSO_COUNT_QUERIES=1,  # adds the X-Query-Count and X-Cache-Calls headers
        CACHE_KEY_PREFIX=key_prefix,
        # The page-cache generation of the embedded set-up, shared by the workers.
        KALANSO_GENERATION_FILE=tmp / "page-cache-generation",
    )
    env["REDIS_URL"] = redis_url
    return env


def check_redis(redis_url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise BenchError(
            f"Redis is unreachable at {redis_url} ({exc}). Start it, or set "
            "REDIS_URL=redis://HOST:PORT/DB."
        ) from exc
    log(f"Redis at {redis_url} (keys under a prefix of this run, deleted at the end).")


def create_database(database_url: str, name: str) -> None:
    """Create the scratch database that check_postgres dropped."""
    with maintenance_connection(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def delete_redis_keys(redis_url: str, key_prefix: str) -> None:
    """Delete this run's keys only: nothing else in that Redis is touched."""
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
        keys = list(client.scan_iter(match=f"{key_prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    except redis.RedisError as exc:
        log(f"WARNING: could not delete the keys {key_prefix}:* ({exc}).")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        raise BenchError(
            "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y "
            "wrk) and run the benchmark again."
        )
    log("wrk is missing: installing it with apt-get (running as root) …")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=apt_env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=apt_env, check=False)
        subprocess.run(install, env=apt_env, check=False)
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk could not be installed with apt-get; install it by hand.")
    return path


STEPS = []  # preparation processes we started, stopped on any way out


def stop_steps():
    for process in STEPS:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.bench_handle.close()


def run_step(name, args, env, tmp, wait=True):
    """Run a manage.py-style command with its output in a log file."""
    logfile = tmp / f"{name}.log"
    handle = logfile.open("w")
    process = subprocess.Popen(
        args, env=env, cwd=BASE_DIR, stdout=handle, stderr=subprocess.STDOUT
    )
    STEPS.append(process)
    process.bench_name, process.bench_log, process.bench_handle = name, logfile, handle
    process.bench_started = time.monotonic()
    if wait:
        finish_step(process)
    return process


def finish_step(process):
    code = process.wait()
    process.bench_handle.close()
    elapsed = time.monotonic() - process.bench_started
    if code != 0:
        tail = "\n".join(process.bench_log.read_text().splitlines()[-40:])
        raise BenchError(f"{process.bench_name} failed (exit {code}):\n{tail}")
    log(f"  {process.bench_name:<14} ok ({elapsed:.1f} s)")
    return process.bench_log.read_text()


def prepare(tmp: Path, env: dict) -> dict:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    log("Preparing (collectstatic and migrate run side by side) …")
    static = run_step(
        "collectstatic", [*manage, "collectstatic", "--noinput", "-v0"], env, tmp, False
    )
    run_step("migrate", [*manage, "migrate", "--noinput", "-v0"], env, tmp)
    finish_step(static)
    run_step("seed_demo", [*manage, "seed_demo", "--force"], env, tmp)
    output = finish_step(
        run_step("session", python_module("bench.run", "--_prepare"), env, tmp, False)
    )
    for line in output.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    raise BenchError(f"The preparation step printed no result:\n{output}")


def _prepare_in_django():
    """Child process (bench env): enrol the demo trainee, open a session for them
    and pick the lesson to measure. Prints one BENCH-JSON line."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from django.urls import reverse

    from assessments.models import Quiz
    from assessments.views import may_sit
    from courses.models import CoursePage, LessonPage, LessonProgress
    from courses.services import enrolment_create
    from kalanso.accounts.models import User

    user = User.objects.get(email__iexact=DEMO_TRAINEE)
    if not (user.is_active and user.email_confirmed_at):
        raise SystemExit(f"{DEMO_TRAINEE} is not an active, confirmed account.")
    public = CoursePage.objects.live().filter(is_public=True).order_by("path")
    course = public.filter(title=DEMO_COURSE_TITLE).first() or public.first()
    if course is None:
        raise SystemExit("seed_demo created no live public course.")
    enrolment_create(user=user, course=course)

    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    if not lessons:
        raise SystemExit(f"The course {course.title!r} has no live lesson.")
    done = set(
        LessonProgress.objects.filter(user=user).values_list("lesson_key", flat=True)
    )
    lesson = next((x for x in lessons if x.translation_key not in done), lessons[0])

    quiz = next((q for q in Quiz.objects.order_by("pk") if may_sit(user, q)), None)
    if quiz is None:
        raise SystemExit(f"seed_demo created no quiz that {DEMO_TRAINEE} may sit.")

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

    result = {
        "course": course.title,
        "course_matches_demo": course.title == DEMO_COURSE_TITLE,
        "lesson": lesson.title,
        "lesson_url": urlsplit(lesson.url).path,
        "lesson_blocks": [block.block_type for block in lesson.body],
        "lessons_in_course": len(lessons),
        "course_url": urlsplit(course.url).path,
        "quiz_url": reverse("assessments:quiz", args=[quiz.pk]),
        "my_learning_url": reverse("courses:my_learning"),
        "user": user.email,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
    print("BENCH-JSON " + json.dumps(result))


# --- wrk -------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNIT_MS[unit]


def parse_wrk(output):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    if not (rps and total):
        raise BenchError(f"Unexpected wrk output:\n{output}")
    result = {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "non_2xx": 0,
        "socket_errors": 0,
    }
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result["non_2xx"] = int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result["socket_errors"] = sum(int(x) for x in match.groups())
    for pct in ("50", "99"):
        if match := re.search(rf"^\s+{pct}%\s+([\d.]+\w+)", output, re.MULTILINE):
            result[f"p{pct}_ms"] = _ms(match.group(1))
    return result


def run_wrk(wrk, args, port, path, cookie, duration):
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    return parse_wrk(done.stdout)


def measure(wrk, args, master_pid, port, path, cookie):
    before = children_cpu_ticks(master_pid)
    result = run_wrk(wrk, args, port, path, cookie, args.duration)
    after = children_cpu_ticks(master_pid)
    common = before.keys() & after.keys()
    ticks = sum(after[pid] - before[pid] for pid in common)
    result["workers_changed"] = set(before) != set(after)
    result["cpu_ms_per_req"] = (
        ticks * 1000 / CLK_TCK / result["requests"] if result["requests"] else None
    )
    return result


# --- Checks and query counts -----------------------------------------------------------


def check_page(port, path, cookie, title, personal):
    status, headers, body = fetch(port, path, cookie)
    who = "logged in" if cookie else "anonymous"
    html = body.decode("utf-8", errors="replace")
    if status != 200:
        where = headers.get("Location", "")
        raise BenchError(f"{path} ({who}) answered {status} {where}, not 200.")
    if title and title not in html and escape(title) not in html:
        raise BenchError(f"{path} ({who}): the title {title!r} is not in the page.")
    has_personal = any(marker in html for marker in PERSONAL_MARKERS)
    if personal and not has_personal:
        raise BenchError(
            f"{path} (logged in) lacks the personal part ({' / '.join(PERSONAL_MARKERS)}):"
            " the session cookie was not honoured or the wrong page was served."
        )
    if personal is False and has_personal:
        raise BenchError(f"{path} (anonymous) shows a logged-in reader's page.")
    return int(headers.get("X-Query-Count", "-1")), headers


def request_counts(port, path, cookie, times=4):
    """(SQL queries, cache calls) of each of ``times`` requests."""
    counts = []
    for _ in range(times):
        status, headers, _body = fetch(port, path, cookie)
        if status != 200:
            raise BenchError(f"{path} answered {status} during the query count.")
        counts.append(
            (
                int(headers.get("X-Query-Count", "-1")),
                int(headers.get("X-Cache-Calls", "-1")),
            )
        )
    return counts


# --- Report ---------------------------------------------------------------------------


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def summarise(rounds, queries):
    summary = {}
    trivial_cpu = statistics.median(
        r["trivial"]["cpu_ms_per_req"] for r in rounds if r["trivial"]["cpu_ms_per_req"]
    )
    for key, _label in PAGES:
        results = [r[key] for r in rounds]
        ratios = [r[key]["rps"] / r["trivial"]["rps"] for r in rounds]
        cpu = [x["cpu_ms_per_req"] for x in results if x["cpu_ms_per_req"]]
        summary[key] = {
            "rps": statistics.median(x["rps"] for x in results),
            "ratio": statistics.median(ratios),
            "cpu_ms_per_req": statistics.median(cpu) if cpu else None,
            "cpu_ratio": trivial_cpu / statistics.median(cpu) if cpu else None,
            "p50_ms": statistics.median(x.get("p50_ms", 0) for x in results),
            "p99_ms": statistics.median(x.get("p99_ms", 0) for x in results),
            "rps_rounds": [x["rps"] for x in results],
            "queries": queries[key],
        }
    return summary


def report(setup, summary, info, args):
    rows = []
    for key, label in PAGES:
        s = summary[key]
        rows.append(
            [
                label,
                fmt(s["rps"], ",.0f"),
                f"{s['ratio']:.1%}",
                fmt(s["cpu_ms_per_req"], ".2f"),
                fmt(s["cpu_ratio"], ".1%"),
                str(s["queries"]["warm"]),
                str(s["queries"]["cache_calls"]),
                f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f}",
                " ".join(f"{x:,.0f}" for x in s["rps_rounds"]),
            ]
        )
    head = [
        "page",
        "req/s",
        "ratio vs trivial",
        "CPU ms/req",
        "CPU ratio",
        "queries/req",
        "cache calls/req",
        "p50 / p99 ms",
        "req/s per round",
    ]
    log()
    log(
        f"{SETUPS[setup]} — {args.rounds} rounds × {args.duration} s per page, wrk "
        f"-t{args.threads} -c{args.connections}, gunicorn -w {args.workers} (sync), "
        f"{os.cpu_count()} CPUs shared with wrk, {info['database']}, "
        f"cache {info['cache']}"
    )
    log(
        f"Lesson: {info['lesson_url']}  ({info['lesson']!r}, course {info['course']!r}); "
        f"quiz {info['quiz_url']}"
    )
    log()
    table(head, rows)
    log()
    cold = summary["anon"]["queries"]["cold"], summary["auth"]["queries"]["cold"]
    log(
        "queries/req and cache calls/req: warm (every worker has its caches). "
        f"First-ever request: anonymous {cold[0]} queries, logged in {cold[1]}."
    )
    log("Targets (informational):")
    for key, target in TARGETS[setup].items():
        ratio = summary[key]["ratio"]
        verdict = "PASS" if ratio >= target else "MISS"
        label = dict(PAGES)[key]
        log(
            f"  {verdict}  {label:<24} {ratio:6.1%} of trivial  (target ≥ {target:.0%})"
        )


def report_footer(loads, elapsed):
    log()
    log(
        "CPU ms/req: utime+stime of the gunicorn workers during the run ÷ requests; "
        "CPU ratio: trivial CPU ms/req ÷ page CPU ms/req (the throughput ratio to "
        "expect when the workers have the CPUs to themselves)."
    )
    busy = loads[0] > 0.5 * (os.cpu_count() or 1)
    log(
        "Load average before the run / at the end (includes the benchmark): "
        + " / ".join(f"{x:.1f}" for x in loads)
        + (
            f" on {os.cpu_count()} CPUs — the machine was busy with other work: "
            "req/s and latencies are depressed; trust ratios and CPU ms/req most."
            if busy
            else ""
        )
    )
    log(f"\nTotal time {elapsed:.0f} s.")


def save_results(results, args, loads):
    results_dir = BENCH_DIR / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    for result in results.values():
        result["info"] = {k: v for k, v in result["info"].items() if k != "cookie"}
    path.write_text(
        json.dumps(
            {
                "args": vars(args),
                "cpus": os.cpu_count(),
                "setups": results,
                "load_average": loads,
            },
            indent=2,
            default=str,
        )
    )
    log(f"Raw results: {path.relative_to(BASE_DIR)}")


# --- Main -------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            f"""\
            Environment (PostgreSQL + Redis set-up): DATABASE_URL (default
            {DEFAULT_PG_URL}; its name must contain 'bench': it is dropped,
            migrated and seeded) and REDIS_URL (default {DEFAULT_REDIS_URL};
            only this run's keys are written and deleted)."""
        ),
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per page and round (5)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk conns (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--setups",
        default="sqlite,pg",
        help="comma-separated set-ups to run: sqlite, pg (default both)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp dirs (logs, database)"
    )
    parser.add_argument("--_prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    args.setups = [x.strip() for x in args.setups.split(",") if x.strip()]
    if not args.setups or set(args.setups) - set(SETUPS):
        parser.error(f"--setups takes {', '.join(SETUPS)}")
    return args


def _on_sigterm(*_):
    log("\nTerminated: cleaning up.")
    sys.exit(143)


def run_setup(setup, args, wrk, tmp):
    """Prepare, serve and measure one set-up; returns its results."""
    key_prefix = f"kalanso-bench-{uuid.uuid4().hex[:12]}"
    env = bench_env(tmp, setup, key_prefix)
    log(f"\n=== {SETUPS[setup]} ===")
    if setup == "pg":
        create_database(env["DATABASE_URL"], check_postgres(env["DATABASE_URL"]))
        check_redis(env["REDIS_URL"])
    server = None
    try:
        info = prepare(tmp, env)
        if not info["course_matches_demo"]:
            log(f"WARNING: {DEMO_COURSE_TITLE!r} not found; using {info['course']!r}.")

        port = free_port()
        log(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} workers) …")
        server = start_gunicorn(env, tmp / "gunicorn.log", port, args.workers)
        wait_until_up(server, port, args.workers)

        path, cookie = info["lesson_url"], info["cookie"]
        targets = {
            "trivial": ("/healthz", None),
            "anon": (path, None),
            "auth": (path, cookie),
            "course": (info["course_url"], cookie),
            "mine": (info["my_learning_url"], cookie),
            "quiz": (info["quiz_url"], cookie),
        }
        cold = {
            "anon": check_page(port, path, None, info["lesson"], personal=False)[0],
            "auth": check_page(port, path, cookie, info["lesson"], personal=True)[0],
        }
        check_page(port, info["course_url"], cookie, info["course"], personal=None)
        check_page(port, info["my_learning_url"], cookie, info["course"], None)
        check_page(port, info["quiz_url"], cookie, "", personal=None)
        log(f"Pages check out: 200, titles and (logged in) personal part on {path}")

        log(f"Warm-up ({args.warmup} s per page) …")
        for key, _label in PAGES:
            result = run_wrk(wrk, args, port, *targets[key], args.warmup)
            if result["non_2xx"] or result["socket_errors"]:
                raise BenchError(f"Errors during the warm-up of {key}: {result}")
        queries = {}
        for key, _label in PAGES:
            counts = request_counts(port, *targets[key])
            queries[key] = {
                "warm": max(q for q, _c in counts),
                "cache_calls": max(c for _q, c in counts),
                "samples": counts,
                "cold": cold.get(key, "—"),
            }
        # The cached anonymous page must still be the right, anonymous page.
        check_page(port, path, None, info["lesson"], personal=False)

        rounds = []
        for number in range(1, args.rounds + 1):
            results = {}
            for key, label in PAGES:
                result = measure(wrk, args, server.pid, port, *targets[key])
                if result["non_2xx"] or result["socket_errors"]:
                    raise BenchError(
                        f"{label}: {result['non_2xx']} non-2xx responses, "
                        f"{result['socket_errors']} socket errors — see "
                        f"{tmp / 'gunicorn.log'} (use --keep)\n{server_log(server)}"
                    )
                if result["workers_changed"]:
                    log("  WARNING: gunicorn workers changed during the measurement.")
                results[key] = result
                log(
                    f"  round {number}/{args.rounds}  {label:<24} "
                    f"{result['rps']:>9,.0f} req/s  "
                    f"{fmt(result['cpu_ms_per_req'], '6.2f')} CPU ms/req"
                )
            rounds.append(results)
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{server_log(server)}")
        return {
            "info": info,
            "summary": summarise(rounds, queries),
            "rounds": rounds,
            "queries": queries,
        }
    finally:
        stop_steps()
        STEPS.clear()
        stop_gunicorn(server)
        if env["REDIS_URL"]:
            delete_redis_keys(env["REDIS_URL"], key_prefix)


def main(argv=None):
    args = parse_args(argv)
    if args._prepare:
        _prepare_in_django()
        return 0

    # SIGTERM (e.g. from CI) unwinds like Ctrl-C, through the cleanup below.
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    loads = [os.getloadavg()[0]]  # before we add any load of our own
    tmps = []
    try:
        wrk = ensure_wrk()
        results = {}
        for setup in args.setups:
            tmp = Path(tempfile.mkdtemp(prefix=f"kalanso-bench-{setup}-"))
            tmps.append(tmp)
            results[setup] = run_setup(setup, args, wrk, tmp)
        loads.append(os.getloadavg()[0])
        for setup, result in results.items():
            report(setup, result["summary"], result["info"], args)
        report_footer(loads, time.monotonic() - started)
        save_results(results, args, loads)
        return 0
    except BenchError as exc:
        log(f"\nBENCHMARK FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        log("\nInterrupted.")
        return 130
    finally:
        for tmp in tmps:
            if args.keep:
                log(f"Temp dir kept: {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
