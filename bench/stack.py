"""Load and faults on the production stack (issue #12): ``make bench-stack``.

    .venv/bin/python -m bench.stack [--trainees 300] [--questions 20]
        [--scenarios rush,postgres,redis,worker]

Starts the stack of :mod:`scripts.stack` with services of its own (a
throw-away PostgreSQL cluster and a redis-server on the ports after
``--port``, so that they can be stopped and restarted without touching the
machine's), gunicorn with 4 workers and the task worker, on production
settings. Then, each scenario on a new exam and new trainees:

rush      300 trainees, each with a session of their own, open a 20-question
          exam at once, save their answers five questions at a time, and
          submit. Before it, the trivial view (/healthz) is measured on the
          same server at the same concurrency.
postgres  the same rush; PostgreSQL is restarted (pg_ctl restart -m fast)
          once 30 % of the requests are answered.
redis     the same rush; Redis is stopped once 30 % of the requests are
          answered (and started again at the end). Afterwards: a login is
          refused (rate limits fail closed) and a certificate lookup is not
          (they fail open).
worker    certificate issuance interrupted: the task worker is killed
          (SIGKILL) while it holds the task; a new worker starts, the stale
          task is requeued (``manage.py requeue_stale_tasks``), and exactly
          one certificate exists.

Clients behave like browsers after a 503 "try again" or a dropped
connection: they wait a second and send the same request again (up to 30
times). For every request kind the table gives the requests answered, the
throughput while that kind was being sent, p50/p99 latency, errors (5xx other
than 503, and requests given up), 503s, and the CPU time per request in the
gunicorn worker (``X-CPU-Microseconds``, KALANSO_COUNT_QUERIES); ``vs
trivial`` is the trivial view's CPU time divided by the kind's: the share of
the trivial view's throughput that a saturated server reaches on that kind.

After each rush the database is checked: one attempt per trainee, submitted
once; every answer that the server acknowledged (302 after a save) is stored
for its question, exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.common import BenchError, django_setup, log, table
from scripts.stack import Stack

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RETRIES = 30
TIMEOUT = 120


# --- HTTP ------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    cpu_us: dict = field(default_factory=lambda: defaultdict(list))
    first: dict = field(default_factory=dict)
    last: dict = field(default_factory=dict)
    errors: dict = field(default_factory=lambda: defaultdict(int))
    unavailable: dict = field(default_factory=lambda: defaultdict(int))
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    done: int = 0

    def record(self, kind, answer: Answer, started):
        self.first.setdefault(kind, started)
        self.last[kind] = started + answer.seconds
        self.latencies[kind].append(answer.seconds)
        if "x-cpu-microseconds" in answer.headers:
            self.cpu_us[kind].append(int(answer.headers["x-cpu-microseconds"]))
        self.done += 1


async def http(port, method, path, cookies, data=None) -> Answer:
    """One request on its own connection (gunicorn's sync workers close it),
    through the proxy's headers."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else b""
        origin = f"https://127.0.0.1:{port}"
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "X-Forwarded-Proto: https",
            "Connection: close",
            "Accept-Language: fr",
        ]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: {origin}",
                f"Referer: {origin}{path}",
            ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    if not head:
        raise ConnectionError("empty answer")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "set-cookie":
            cookie = value.strip().split(";", 1)[0]
            key, _, val = cookie.partition("=")
            if val:
                cookies[key] = val
        headers[name] = value.strip()
    return Answer(
        int(status_line.split()[1]), headers, content, time.perf_counter() - started
    )


async def send(stats, kind, port, method, path, cookies, data=None, expect=(200, 302)):
    """The request, again after a 503 or a dropped connection, as a person
    would; its answer, or None when given up."""
    for _ in range(RETRIES):
        started = time.perf_counter()
        try:
            answer = await asyncio.wait_for(
                http(port, method, path, cookies, data), TIMEOUT
            )
        except (OSError, ConnectionError, TimeoutError):
            stats.errors[kind + " (connection)"] += 1
            await asyncio.sleep(1)
            continue
        stats.statuses[answer.status] += 1
        if answer.status == 503:
            stats.unavailable[kind] += 1
            await asyncio.sleep(1)
            continue
        if answer.status not in expect:
            stats.errors[kind] += 1
            return None
        stats.record(kind, answer, started)
        return answer
    stats.errors[kind + " (gave up)"] += 1
    return None


def csrf(answer: Answer) -> str:
    match = CSRF_INPUT.search(answer.body)
    if not match:
        raise BenchError("no CSRF token in the page")
    return match.group(1).decode()


# --- The exam -----------------------------------------------------------------------------


def make_exam(trainees: int, questions: int, label: str):
    """A 20-question exam and its trainees, each with an open session."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from assessments import factories
    from assessments.models import Quiz
    from kalanso.accounts.models import User

    cat = factories.category(f"Bench {label}")
    quiz = factories.quiz_with(
        [
            factories.single_choice(text=f"<p>{label} question {n}</p>", cat=cat)
            for n in range(1, questions + 1)
        ],
        title=f"Examen {label}",
        kind=Quiz.Kind.POST_TEST if hasattr(Quiz.Kind, "POST_TEST") else "post",
        pass_mark=50,
        attempts_allowed=1,
        one_question_per_page=False,
    )
    now = timezone.now()
    password = make_password(uuid.uuid4().hex)
    users = User.objects.bulk_create(
        User(
            email=f"{label}-{n}@bench.kalanso.test",
            full_name=f"Stagiaire {label} {n}",
            password=password,
            is_active=True,
            email_confirmed_at=now,
            consent_given_at=now,
        )
        for n in range(trainees)
    )
    group = Group.objects.get(name="Trainee")
    group.user_set.add(*users)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "kalanso.accounts.backends.EmailBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies.append({settings.SESSION_COOKIE_NAME: session.session_key})
    return quiz, users, cookies


async def trainee(stats, port, quiz_id, cookies, per_save, acknowledged, submitted):
    detail = await send(
        stats, "quiz detail", port, "GET", f"/fr/quiz/{quiz_id}/", cookies
    )
    if detail is None:
        return
    started = await send(
        stats,
        "start",
        port,
        "POST",
        f"/fr/quiz/{quiz_id}/start/",
        cookies,
        {"csrfmiddlewaretoken": csrf(detail)},
        expect=(302,),
    )
    if started is None:
        return
    attempt_path = started.headers["location"].split("?")[0]
    page = await send(stats, "quiz page", port, "GET", attempt_path, cookies)
    if page is None:
        return
    token = csrf(page)
    # The choices on the page, in order: value="<choice id>" of the radios.
    names = re.findall(rb'name="(q\d+)" value="([^"]+)"', page.body)
    choices: dict[str, list[str]] = defaultdict(list)
    for name, value in names:
        choices[name.decode()].append(value.decode())
    positions = sorted(choices, key=lambda name: int(name[1:]))
    for start in range(0, len(positions), per_save):
        chunk = positions[start : start + per_save]
        data = {"csrfmiddlewaretoken": token, "action": "save", "page": 1}
        for name in chunk:
            data[name] = choices[name][hash((name, id(cookies))) % len(choices[name])]
        answer = await send(
            stats,
            "answer save",
            port,
            "POST",
            attempt_path,
            cookies,
            data,
            expect=(302,),
        )
        if answer is not None:
            for name in chunk:
                acknowledged[(attempt_path, int(name[1:]))] = data[name]
    answer = await send(
        stats,
        "submit",
        port,
        "POST",
        attempt_path,
        cookies,
        {"csrfmiddlewaretoken": token, "action": "submit", "page": 1},
        expect=(302,),
    )
    if answer is not None:
        submitted.add(attempt_path)


async def rush(port, quiz_id, cookies, per_save, questions, fault=None, fault_at=0.3):
    stats = Stats()
    acknowledged: dict = {}
    submitted: set = set()
    # Per trainee: the quiz, start, the questions, the saves, submit.
    expected = len(cookies) * (4 + -(-questions // per_save))
    fault_task = None

    async def watch():
        while stats.done < expected * fault_at:
            await asyncio.sleep(0.05)
        log(f"    fault at {stats.done} answered requests: {fault.__doc__}")
        await asyncio.to_thread(fault)
        log("    fault done")

    began = time.perf_counter()
    if fault is not None:
        fault_task = asyncio.create_task(watch())
    await asyncio.gather(
        *(
            trainee(stats, port, quiz_id, jar, per_save, acknowledged, submitted)
            for jar in cookies
        )
    )
    if fault_task is not None:
        if not fault_task.done():
            fault_task.cancel()
            log("    (the rush ended before the fault)")
    stats.wall = time.perf_counter() - began
    return stats, acknowledged, submitted


async def trivial(port, concurrency, seconds):
    stats = Stats()
    deadline = time.perf_counter() + seconds

    async def loop():
        while time.perf_counter() < deadline:
            await send(stats, "trivial", port, "GET", "/healthz", {})

    began = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    stats.wall = time.perf_counter() - began
    return stats


# --- Checks and report ----------------------------------------------------------------


def check_database(quiz, users, acknowledged, submitted) -> list[str]:
    """What was lost or doubled: [] when nothing."""
    from django.db import close_old_connections

    from assessments.models import Attempt, AttemptQuestion

    close_old_connections()
    problems = []
    attempts = list(Attempt.objects.filter(quiz=quiz))
    per_user = defaultdict(int)
    for attempt in attempts:
        per_user[attempt.user_id] += 1
    doubled = sum(1 for count in per_user.values() if count > 1)
    if doubled:
        problems.append(f"{doubled} trainees with more than one attempt")
    by_path = {f"/fr/quiz/attempt/{a.pk}/": a for a in attempts}
    for path in submitted:
        attempt = by_path.get(path)
        if attempt is None or not attempt.is_submitted:
            problems.append(f"submit acknowledged but not recorded: {path}")
    rows = defaultdict(list)
    for row in AttemptQuestion.objects.filter(attempt__quiz=quiz):
        rows[(f"/fr/quiz/attempt/{row.attempt_id}/", row.position)].append(row)
    lost = doubled_rows = 0
    for key, choice in acknowledged.items():
        found = rows.get(key, [])
        if len(found) != 1:
            doubled_rows += len(found) > 1
            lost += not found
            continue
        if (found[0].response or {}).get("choice") != choice:
            lost += 1
    if lost:
        problems.append(f"{lost} acknowledged answers lost")
    if doubled_rows:
        problems.append(f"{doubled_rows} answers stored twice")
    return problems


KINDS = ("quiz detail", "start", "quiz page", "answer save", "submit")


def report(title, stats: Stats, base: Stats | None):
    log(f"\n{title}: {stats.wall:.1f} s, {stats.done} requests answered")
    base_cpu = statistics.mean(base.cpu_us["trivial"]) if base else None
    rows = []
    for kind in (("trivial",) if base is None else ()) + KINDS:
        latencies = sorted(stats.latencies.get(kind, []))
        if not latencies:
            continue
        span = max(stats.last[kind] - stats.first[kind], 1e-9)
        cpu = statistics.mean(stats.cpu_us[kind]) / 1000 if stats.cpu_us[kind] else 0
        ratio = f"{100 * base_cpu / 1000 / cpu:.0f} %" if base_cpu and cpu else "100 %"
        errors = sum(v for k, v in stats.errors.items() if k.startswith(kind))
        rows.append(
            [
                kind,
                len(latencies),
                f"{len(latencies) / span:.1f}",
                f"{1000 * latencies[len(latencies) // 2]:.0f}",
                f"{1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]:.0f}",
                errors,
                stats.unavailable.get(kind, 0),
                f"{cpu:.1f}",
                ratio,
            ]
        )
    table(
        [
            "request",
            "answered",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "503",
            "CPU ms",
            "vs trivial",
        ],
        rows,
    )
    return rows


# --- Scenarios -----------------------------------------------------------------------------


def run_rush(stack, args, label, base, fault=None):
    quiz, users, cookies = make_exam(args.trainees, args.questions, label)
    from django.db import connections

    connections.close_all()
    stats, acknowledged, submitted = asyncio.run(
        rush(stack.port, quiz.pk, cookies, args.per_save, args.questions, fault)
    )
    rows = report(f"{label}", stats, base)
    problems = check_database(quiz, users, acknowledged, submitted)
    log(
        f"  statuses: {dict(sorted(stats.statuses.items()))}; acknowledged answers: "
        f"{len(acknowledged)}, submits: {len(submitted)}/{len(users)}"
    )
    log(
        "  database: "
        + ("nothing lost or doubled" if not problems else "; ".join(problems))
    )
    return {
        "stats": stats,
        "rows": rows,
        "problems": problems,
        "submitted": len(submitted),
    }


def scenario_redis_probes(stack) -> list[str]:
    """With Redis down: login refused (closed), verification looked up (open)."""
    from scripts.smoke import Browser

    results = []
    browser = Browser(stack.port)
    token = browser.csrf("/fr/accounts/login/")
    status, _, _ = browser.post(
        "/fr/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "x@example.org", "password": "y"},
    )
    results.append(f"login while Redis is down: {status} (expected 429: fails closed)")
    status, _, _ = Browser(stack.port).get("/fr/certificates/v/UNKNOWNCODE/")
    results.append(
        f"certificate lookup while Redis is down: {status} (expected 404: fails open)"
    )
    return results


def scenario_worker(stack) -> list[str]:
    """Kill the task worker while it is inside an issuance task; requeue the
    task left "running", start a new worker: exactly one certificate."""
    from django.core.management import call_command
    from django.db import close_old_connections, connection, transaction

    from django_tasks_db.models import DBTaskResult

    from certificates.models import Credential
    from courses.factories import course_with_lessons, user_with_role
    from courses.models import LessonPage, LessonProgress
    from courses.services import enrolment_create

    for process in list(stack.task_processes):
        stack.stop_task_worker(process)
    stack.task_processes.clear()
    course = course_with_lessons(lessons=1, title=f"Cours bench {uuid.uuid4().hex[:6]}")
    user = user_with_role(
        f"worker-{uuid.uuid4().hex[:6]}@bench.kalanso.test", "Trainee"
    )
    enrolment_create(user=user, course=course)
    lesson = LessonPage.objects.live().descendant_of(course).first()
    LessonProgress.objects.create(
        user=user,
        lesson=lesson,
        lesson_key=lesson.translation_key,
        course_key=course.translation_key,
    )
    task = DBTaskResult.objects.filter(
        task_path="certificates.tasks.issue_course_credential", status="READY"
    ).latest("enqueued_at")
    results = []
    # Hold the task in the middle: nobody may add a credential while this
    # transaction holds the table; the worker claims the task, computes the
    # completion and waits on its INSERT; then it is killed.
    with transaction.atomic():
        table_name = connection.ops.quote_name(Credential._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table_name} IN SHARE MODE")
        worker = stack.start_task_worker()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = DBTaskResult.objects.filter(pk=task.pk).values_list(
                "status", flat=True
            )[0]
            if status == "RUNNING":
                break
            time.sleep(0.05)
        time.sleep(3)  # into the task, waiting on the lock
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        results.append(f"worker killed (SIGKILL) while the task was {status}")
    stack.task_processes.remove(worker)
    worker.stack_handle.close()
    close_old_connections()
    time.sleep(1)
    task.refresh_from_db()
    results.append(
        f"after the kill: task {task.status}, "
        f"{Credential.objects.filter(user=user).count()} certificate(s)"
    )
    call_command("requeue_stale_tasks", "--older-than", "0", verbosity=0)
    stack.start_task_worker()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        task.refresh_from_db()
        if task.status in ("SUCCESSFUL", "FAILED"):
            break
        time.sleep(0.5)
    count = Credential.objects.filter(user=user).count()
    results.append(
        f"requeued, a new worker: task {task.status} (run by "
        f"{len(task.worker_ids)} workers), {count} certificate(s)"
    )
    if count != 1 or task.status != "SUCCESSFUL":
        results.append("FAIL: not exactly one certificate")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--per-save", type=int, default=5)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("STACK_PORT", "8655"))
    )
    parser.add_argument("--scenarios", default="rush,postgres,redis,worker")
    parser.add_argument("--trivial-seconds", type=float, default=10)
    args = parser.parse_args(argv)
    scenarios = args.scenarios.split(",")

    with tempfile.TemporaryDirectory(prefix="kalanso-bench-stack-") as tmp:
        stack = Stack(
            Path(tmp),
            port=args.port,
            own_services=True,
            seed=False,
            extra_env={"KALANSO_COUNT_QUERIES": "1"},
        )
        summary = []
        try:
            stack.up()
            django_setup(stack.env)
            log(
                f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
                f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
                f"{args.trainees} trainees, {args.questions} questions"
            )
            base = asyncio.run(trivial(stack.port, 16, args.trivial_seconds))
            report("trivial view (/healthz), 16 clients", base, None)
            if "rush" in scenarios:
                summary.append(("exam rush", run_rush(stack, args, "rush", base)))
            if "postgres" in scenarios:

                def restart_postgres():
                    """PostgreSQL restarted (pg_ctl restart -m fast)"""
                    stack.cluster.restart()

                result = run_rush(stack, args, "pgrestart", base, restart_postgres)
                exited = stack.check_processes()
                log(
                    f"  task workers that exited on the restart (started again, "
                    f"as systemd would): {exited}"
                )
                summary.append(("PostgreSQL restart", result))
            if "redis" in scenarios:

                def stop_redis():
                    """Redis stopped"""
                    stack.redis.stop()

                result = run_rush(stack, args, "redisdown", base, stop_redis)
                result["probes"] = scenario_redis_probes(stack)
                for line in result["probes"]:
                    log("  " + line)
                stack.redis.start()
                summary.append(("Redis stopped", result))
            if "worker" in scenarios:
                lines = scenario_worker(stack)
                for line in lines:
                    log("  worker: " + line)
                summary.append(
                    (
                        "worker killed",
                        {"lines": lines, "problems": [x for x in lines if "FAIL" in x]},
                    )
                )
            errors = stack.gunicorn_errors()
            tracebacks = sum("Traceback" in line for line in errors)
            log(f"\ngunicorn log: {tracebacks} tracebacks")
        except BenchError as error:
            log(f"\nFAILED: {error}")
            return 1
        finally:
            stack.down()
    failed = [name for name, result in summary if result.get("problems")]
    return 1 if failed else 0


if __name__ == "__main__":
    threading.stack_size(1 << 20)
    sys.exit(main())
