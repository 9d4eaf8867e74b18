"""Throughput benchmark: production settings, gunicorn, wrk on loopback.

    .venv/bin/python -m bench.run [--rounds 3] [--duration 5]

Builds a throw-away environment (temp dir with its own SQLite database unless
DATABASE_URL is set, collected static files, media), loads the demo content,
starts gunicorn and measures, alternating in every round:

    trivial     /healthz (the floor: WSGI + middleware, no page)
    lesson anon a lesson of the public demo course, anonymous (page cache)
    lesson auth the same lesson for the enrolled demo trainee (session cookie)

For each page: requests/s (median of the rounds), throughput relative to the
trivial view of the same round (median), CPU time of the gunicorn workers per
request and SQL queries per request (``X-Query-Count`` header). See README.md.
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
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import (
    BASE_DIR,
    BENCH_DIR,
    CLK_TCK,
    BenchError,
    children_cpu_ticks,
    fetch,
    free_port,
    log,
    production_env,
    python_module,
    server_log,
    sqlite_or_env_url,
    start_gunicorn,
    stop_gunicorn,
    table,
    wait_until_up,
)

DEMO_COURSE_TITLE = "Sensibilité aux conflits : les fondamentaux"
DEMO_TRAINEE = "apprenant@kalanso.test"
PERSONAL_MARKERS = ("Mark as complete", "Marquer")
TARGETS = {"anon": 0.50, "auth": 0.10}  # share of the trivial view's req/s

PAGES = [  # (key, label)
    ("trivial", "trivial view /healthz"),
    ("anon", "lesson, anonymous"),
    ("auth", "lesson, logged in"),
]


# --- Environment ---------------------------------------------------------------


def bench_env(tmp: Path) -> dict:
    return production_env(
        database_url=sqlite_or_env_url(tmp),
        tmp=tmp,
        log_level="WARNING",
        KALANSO_COUNT_QUERIES=1,  # adds the X-Query-Count header
    )


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
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

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

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()

    result = {
        "course": course.title,
        "course_matches_demo": course.title == DEMO_COURSE_TITLE,
        "lesson": lesson.title,
        "lesson_url": urlsplit(lesson.url).path,
        "lesson_blocks": [block.block_type for block in lesson.body],
        "lessons_in_course": len(lessons),
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
    if title not in html and escape(title) not in html:
        raise BenchError(
            f"{path} ({who}): the lesson title {title!r} is not in the page."
        )
    has_personal = any(marker in html for marker in PERSONAL_MARKERS)
    if personal and not has_personal:
        raise BenchError(
            f"{path} (logged in) lacks the personal part ({' / '.join(PERSONAL_MARKERS)}):"
            " the session cookie was not honoured or the wrong page was served."
        )
    if not personal and has_personal:
        raise BenchError(f"{path} (anonymous) shows a logged-in reader's page.")
    return int(headers.get("X-Query-Count", "-1")), headers


def query_counts(port, path, cookie, times=4):
    counts = []
    for _ in range(times):
        status, headers, _body = fetch(port, path, cookie)
        if status != 200:
            raise BenchError(f"{path} answered {status} during the query count.")
        counts.append(int(headers.get("X-Query-Count", "-1")))
    return counts


# --- Report ---------------------------------------------------------------------------


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def report(rounds, queries, info, args, elapsed, loads):
    rows = []
    summary = {}
    trivial_cpu = statistics.median(
        r["trivial"]["cpu_ms_per_req"] for r in rounds if r["trivial"]["cpu_ms_per_req"]
    )
    for key, label in PAGES:
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
        s = summary[key]
        rows.append(
            [
                label,
                fmt(s["rps"], ",.0f"),
                f"{s['ratio']:.1%}",
                fmt(s["cpu_ms_per_req"], ".2f"),
                fmt(s["cpu_ratio"], ".1%"),
                str(queries[key]["warm"]),
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
        "p50 / p99 ms",
        "req/s per round",
    ]
    log()
    log(
        f"Results — {args.rounds} rounds × {args.duration} s per page, wrk "
        f"-t{args.threads} -c{args.connections}, gunicorn -w {args.workers} (sync), "
        f"{os.cpu_count()} CPUs shared with wrk, {info['database']}, "
        f"cache {info['cache']}"
    )
    log(
        f"Lesson: {info['lesson_url']}  ({info['lesson']!r}, course {info['course']!r})"
    )
    log()
    table(head, rows)
    log()
    log(
        "queries/req: warm (served after the warm-up, every worker has its caches). "
        f"First-ever request: anonymous {queries['anon']['cold']}, logged in "
        f"{queries['auth']['cold']}."
    )
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
            "req/s and latencies are depressed; trust CPU ms/req most."
            if busy
            else ""
        )
    )
    log()
    log("Targets (informational):")
    for key, target in TARGETS.items():
        ratio = summary[key]["ratio"]
        verdict = "PASS" if ratio >= target else "MISS"
        label = dict(PAGES)[key]
        log(
            f"  {verdict}  {label:<18} {ratio:6.1%} of trivial  (target ≥ {target:.0%})"
        )
    log(f"\nTotal time {elapsed:.0f} s.")
    return summary


def save_results(summary, rounds, queries, info, args, loads):
    results_dir = BENCH_DIR / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    info = {k: v for k, v in info.items() if k != "cookie"}
    path.write_text(
        json.dumps(
            {
                "args": vars(args),
                "cpus": os.cpu_count(),
                "info": info,
                "summary": summary,
                "rounds": rounds,
                "queries": queries,
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
            """\
            Environment: DATABASE_URL benchmarks that database instead of a fresh
            SQLite file (it is migrated and seeded: use a throw-away database);
            REDIS_URL benchmarks with the Redis cache."""
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
        "--keep", action="store_true", help="keep the temp dir (logs, database)"
    )
    parser.add_argument("--_prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    return args


def _on_sigterm(*_):
    log("\nTerminated: cleaning up.")
    sys.exit(143)


def main(argv=None):
    args = parse_args(argv)
    if args._prepare:
        _prepare_in_django()
        return 0

    # SIGTERM (e.g. from CI) unwinds like Ctrl-C, through the cleanup below.
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    loads = [os.getloadavg()[0]]  # before we add any load of our own
    tmp = Path(tempfile.mkdtemp(prefix="kalanso-bench-"))
    server = None
    try:
        wrk = ensure_wrk()
        env = bench_env(tmp)
        if os.environ.get("DATABASE_URL"):
            log(f"DATABASE_URL is set: migrating and seeding {env['DATABASE_URL']}.")
        info = prepare(tmp, env)
        if not info["course_matches_demo"]:
            log(f"WARNING: {DEMO_COURSE_TITLE!r} not found; using {info['course']!r}.")

        port = free_port()
        log(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} workers) …")
        server = start_gunicorn(env, tmp / "gunicorn.log", port, args.workers)
        wait_until_up(server, port, args.workers)

        path, cookie = info["lesson_url"], info["cookie"]
        cold = {
            "anon": check_page(port, path, None, info["lesson"], personal=False)[0],
            "auth": check_page(port, path, cookie, info["lesson"], personal=True)[0],
        }
        log(f"Pages check out: 200, title and (logged in) personal part on {path}")

        targets = {"trivial": ("/healthz", None), "anon": (path, None)}
        targets["auth"] = (path, cookie)
        log(f"Warm-up ({args.warmup} s per page) …")
        for key, _label in PAGES:
            result = run_wrk(wrk, args, port, *targets[key], args.warmup)
            if result["non_2xx"] or result["socket_errors"]:
                raise BenchError(f"Errors during the warm-up of {key}: {result}")
        queries = {}
        for key, _label in PAGES:
            counts = query_counts(port, *targets[key])
            queries[key] = {
                "warm": max(counts),
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
                    f"  round {number}/{args.rounds}  {label:<22} "
                    f"{result['rps']:>9,.0f} req/s  "
                    f"{fmt(result['cpu_ms_per_req'], '6.2f')} CPU ms/req"
                )
            rounds.append(results)
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{server_log(server)}")
        loads.append(os.getloadavg()[0])
        summary = report(rounds, queries, info, args, time.monotonic() - started, loads)
        save_results(summary, rounds, queries, info, args, loads)
        return 0
    except BenchError as exc:
        log(f"\nBENCHMARK FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        log("\nInterrupted.")
        return 130
    finally:
        stop_steps()
        stop_gunicorn(server)
        if args.keep:
            log(f"Temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
