"""Programme dashboard benchmark: 100,000 participants, 5,000 sessions and
20,000 online attempts on PostgreSQL.

    .venv/bin/python -m bench.dashboard [--participants 100000] [--sessions 5000]
                                        [--attempts 20000] [--repeat 5]

Drops and recreates the database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/kalanso_bench_dashboard; its name must
contain "bench"), migrates it and builds the cascade with ``bench.cascade``'s
builder (five generations of trainers, sessions over Mali's regions, about
90 % of them held/reported/validated, participants about 40 % women), then
adds what the dashboard also reads:

    participants   an organisation type each; paper pre/post scores for 60 %
    online         attempts/2 learners with a region, an organisation and a
                   gender, enrolled in one course (70 % completed over three
                   years), each with a submitted pre-test and post-test attempt
                   (= --attempts attempts)

It then measures, in one process with production settings, through Django's
full request stack (median of ``--repeat`` runs after one warm-up run, and
the SQL queries of one run):

    trivial view        GET /healthz (the floor)
    dashboard           GET /fr/reporting/ as a programme manager (exact)
    dashboard preview   GET /fr/reporting/?view=published (with suppression)
    API report          GET /api/v1/report with a bearer token (cache emptied
                        before each run: computed every time)

and checks the figures against direct COUNTs (exit 1 otherwise).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

from bench.cascade import build as build_cascade
from bench.common import (
    BenchError,
    check_postgres,
    django_setup,
    fresh_database,
    log,
    measure,
    plain_static_files,
    production_env,
    table,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kalanso_bench_dashboard"
BATCH = 5000


def build_online(args, rng):
    """Learners, one course with a pre-test and a post-test, enrolments and
    ``args.attempts`` submitted attempts, with bulk inserts."""
    from django.db import connection
    from django.utils import timezone

    from assessments import factories as quiz_factories
    from assessments.models import Attempt, Quiz
    from courses.factories import course_with_lessons
    from courses.models import CoursePage, Enrolment
    from kalanso.accounts.models import Organisation, Region, User

    course = course_with_lessons(lessons=2, title="Analyse de conflit (bench)")
    pre = quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Pré-test", kind=Quiz.Kind.PRE_TEST
    )
    post = quiz_factories.quiz_with(
        [quiz_factories.single_choice()], title="Post-test", kind=Quiz.Kind.POST_TEST
    )
    CoursePage.objects.filter(pk=course.pk).update(pre_test=pre, post_test=post)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Organisation {n}", type=kind)
            for n, kind in enumerate(Organisation.Type.values * 5)
        ]
    )
    regions = list(Region.objects.all())
    learners = args.attempts // 2
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=f"learner{n}@bench.kalanso.test",
                full_name=f"Apprenant {n}",
                password="!",
                gender=rng.choice(["f", "m", "f", "m", "x", ""]),
                region=rng.choice(regions + [None]),
                organisation=rng.choice(organisations + [None]),
            )
            for n in range(learners)
        ],
        batch_size=BATCH,
    )
    completed = 0
    enrolments, attempts = [], []
    for user in users:
        done = rng.random() < 0.7
        completed += done
        enrolments.append(
            Enrolment(
                user=user,
                course=course,
                course_key=course.translation_key,
                completed_at=now - timedelta(days=rng.randint(1, 1000))
                if done
                else None,
            )
        )
        before = rng.randint(20, 80)
        after = max(0, min(100, before + rng.randint(-15, 40)))
        for quiz, percent in ((pre, before), (post, after)):
            attempts.append(
                Attempt(
                    quiz=quiz,
                    user=user,
                    number=1,
                    state=Attempt.State.SUBMITTED,
                    submitted_at=now,
                    score=Decimal(percent),
                    max_score=Decimal(100),
                    percent=Decimal(percent),
                    passed=percent >= 50,
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    Attempt.objects.bulk_create(attempts, batch_size=BATCH)

    # Organisation types and paper scores of the cascade participants, in SQL.
    types = ", ".join(f"'{t}'" for t in Organisation.Type.values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE trainers_participant SET
              organisation_type = (ARRAY[{types}])[1 + floor(random() * 7)::int],
              pre_score = CASE WHEN id % 5 < 3
                THEN round((20 + random() * 50)::numeric, 2) END,
              post_score = CASE WHEN id % 5 < 3
                THEN round((40 + random() * 55)::numeric, 2) END
            """
        )
        for table in (
            "trainers_participant",
            "courses_enrolment",
            "assessments_attempt",
            "accounts_user",
        ):
            cursor.execute(f"ANALYZE {table}")
    return {"completed": completed, "attempts": len(attempts)}


def check(expected):
    """The dashboard's totals against direct counts."""
    from courses.models import Enrolment
    from reporting import report
    from trainers.lineage import COUNTED_STATUSES
    from trainers.models import Participant

    data = report.build()
    cascade_count = Participant.objects.filter(
        state="registered", session__status__in=COUNTED_STATUSES
    ).count()
    online_count = Enrolment.objects.filter(completed_at__isnull=False).count()
    problems = []
    if data.values["cascade"] != cascade_count:
        problems.append(f"cascade {data.values['cascade']} != {cascade_count}")
    if data.values["online"] != online_count or online_count != expected["completed"]:
        problems.append(f"online {data.values['online']} != {online_count}")
    gens = sum(
        data.values[("gen", row.key, "participants")]
        for row in data.tables["generations"].rows
        if not row.is_total
    )
    if gens != cascade_count:
        problems.append(f"generations add up to {gens}, not {cascade_count}")
    if data.values[("gain", "online", "n")] != expected["attempts"] // 2:
        problems.append("online knowledge gain does not count every learner")
    if problems:
        raise BenchError("Wrong figures:\n  " + "\n  ".join(problems))
    return data


def run(args, name):
    from django.core.cache import cache
    from django.test import Client

    from wagtail.models import APIToken

    from courses.factories import user_with_role
    from kalanso.accounts import roles

    started = time.perf_counter()
    log("Creating and migrating the database …")
    fresh_database(name)
    log(f"  migrated in {time.perf_counter() - started:.1f} s")
    rng = random.Random(args.seed)
    log(
        f"Building the cascade ({args.sessions:,} sessions, "
        f"{args.participants:,} participants) …"
    )
    started = time.perf_counter()
    build_cascade(args, rng)
    log(f"  built in {time.perf_counter() - started:.1f} s")
    log(f"Building the online side ({args.attempts:,} attempts) …")
    started = time.perf_counter()
    expected = build_online(args, rng)
    log(f"  built in {time.perf_counter() - started:.1f} s")
    data = check(expected)
    log(
        f"Figures check out: {data.values['cascade']:,} cascade participants, "
        f"{data.values['online']:,} online completions, "
        f"{data.values[('gain', 'online', 'n')]:,} online pre/post pairs."
    )

    plain_static_files()
    manager = user_with_role("manager@bench.kalanso.test", roles.PROGRAMME_MANAGER)
    token = APIToken.create_token(user=manager, name="bench")[1]
    client = Client()
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page_client = Client()
    page_client.force_login(manager)

    counted = {}

    def get(c, url):
        def call():
            response = c.get(url, secure=True)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
            # QueryCountMiddleware (KALANSO_COUNT_QUERIES=1) counts each request.
            counted[url] = int(response.get("X-Query-Count", -1))

        return call

    def api_report():
        cache.clear()
        get(api_client, "/api/v1/report")()

    cases = [
        ("trivial view /healthz", get(client, "/healthz"), args.repeat * 20),
        ("dashboard (exact)", get(page_client, "/fr/reporting/"), args.repeat),
        (
            "dashboard preview (suppressed)",
            get(page_client, "/fr/reporting/?view=published"),
            args.repeat,
        ),
        ("API /api/v1/report (uncached)", api_report, args.repeat),
    ]
    log(f"Measuring ({args.repeat} runs each, the trivial view x20) …")
    results = []
    urls = [
        "/healthz",
        "/fr/reporting/",
        "/fr/reporting/?view=published",
        "/api/v1/report",
    ]
    for (label, function, repeat), url in zip(cases, urls, strict=True):
        durations, _queries = measure(function, repeat)
        queries = counted[url]
        results.append((label, statistics.median(durations), min(durations), queries))
    floor = results[0][1]
    log()
    table(
        ["operation", "median ms", "best ms", "queries", "ratio to trivial"],
        [
            [
                label,
                f"{median * 1000:.1f}",
                f"{best * 1000:.1f}",
                queries,
                f"{median / floor:.0f}x",
            ]
            for label, median, best, queries in results
        ],
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=5_000)
    parser.add_argument("--attempts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.participants < 1 or args.attempts < 2:
        parser.error("--repeat, --participants and --attempts must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    started = time.monotonic()
    try:
        name = check_postgres(database_url)
        django_setup(production_env(database_url=database_url, KALANSO_COUNT_QUERIES=1))
        run(args, name)
    except BenchError as exc:
        log(f"\nBENCHMARK FAILED: {exc}")
        return 1
    log(f"\nTotal time {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
