"""Programme dashboard benchmark: 100,000 participants, 5,000 sessions and
20,000 online attempts on PostgreSQL (or ten times that: ``--participants
1000000``, ``make bench-dashboard-1m``).

    .venv/bin/python -m bench.dashboard [--participants 100000] [--sessions N]
                                        [--attempts N] [--repeat 5] [--reuse]

Drops and recreates the database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/kalanso_bench_dashboard; its name must
contain "bench"), migrates it and builds the programme with set-based SQL
(``INSERT … SELECT … FROM generate_series``, a few statements whatever the
size: 1,000,000 participants take a minute or two, not an hour of row-by-row
inserts):

    trainers       five generations (10, 30, 90, 270, 810), each trained in
                   a validated session led by a trainer of the generation
                   before
    sessions       --sessions (default: one per 20 participants) over Mali's
                   regions and four years, about 90 % held/reported/validated,
                   the rest scheduled or cancelled (not counted)
    participants   --participants spread over the sessions, about 40 % women,
                   90 % registered, an organisation type each, paper pre/post
                   scores for 60 %
    online         --attempts/2 learners (default: attempts = participants/5)
                   with a region, an organisation and a gender (some not
                   recorded), enrolled in one course over three years (70 %
                   completed), each with a submitted pre-test and post-test

then ``VACUUM ANALYZE``, as autovacuum would on a live database. ``--reuse``
measures again on the programme a previous run left (nothing dropped), e.g.
to compare two versions of the code on the same data.

It then measures, in one process with production settings, through Django's
full request stack (median of ``--repeat`` runs after one warm-up run, and
the SQL queries of one run), as a programme manager, with a bearer token or
anonymously:

    trivial view        GET /healthz (the floor)
    dashboard           GET /fr/reporting/ (exact), then filtered by a year
                        and a region
    as published        GET /fr/reporting/?view=published, the API's
                        /api/v1/report (all time, one year), the aggregate
                        CSV export and the public summary page, the cache
                        emptied before each run: the published figures (all
                        time and every year, protected together) computed
                        every time
    cascade             GET /fr/trainers/cascade/ (reach per generation)

and checks the figures against direct COUNTs (exit 1 otherwise).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

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


# --- Data, built with set-based SQL ------------------------------------------------

GENERATIONS = 5
FIRST_GENERATION = 10
FAN_OUT = 3


def _execute(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.rowcount


def build_data(args):
    """The programme, in a handful of ``INSERT … SELECT … FROM
    generate_series`` statements (PostgreSQL draws the random values:
    ``setseed`` makes them the same on every run). Only the few hundred
    trainers and the course are made with the ORM."""
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments import factories as quiz_factories
    from assessments.models import Quiz
    from courses.factories import course_with_lessons
    from courses.models import CoursePage
    from kalanso.accounts.models import Organisation, Region, User
    from trainers.models import TrainerProfile

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
    region_ids = list(Region.objects.values_list("pk", flat=True))
    org_ids = [o.pk for o in organisations]
    org_types = list(Organisation.Type.values)

    # Trainers: generation g has FIRST_GENERATION * FAN_OUT**(g-1) people;
    # each trainer of generation g > 1 was trained by trainer n // FAN_OUT of
    # generation g - 1.
    now = timezone.now()
    sizes = [FIRST_GENERATION * FAN_OUT**g for g in range(GENERATIONS)]
    users = User.objects.bulk_create(
        [
            User(
                email=f"g{gen + 1}-{n}@bench.kalanso.test",
                full_name=f"Formateur G{gen + 1} {n:04d}",
                password="!",
                email_confirmed_at=now,
            )
            for gen, size in enumerate(sizes)
            for n in range(size)
        ],
        batch_size=5000,
    )
    by_generation, start = [], 0
    for size in sizes:
        by_generation.append([u.pk for u in users[start : start + size]])
        start += size
    parents = [u for ids in by_generation[:-1] for u in ids]
    everyone = [u for ids in by_generation for u in ids]
    if args.sessions < len(parents):
        raise BenchError(f"--sessions must be at least {len(parents)}.")

    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000])
        # Sessions: the first len(parents) ones, validated, are where each
        # parent trained the next generation; the others are led by anyone.
        # About 90 % took place (held / reported / validated) over four
        # years; the rest are scheduled (in the coming months) or cancelled.
        _execute(
            cursor,
            """
            INSERT INTO trainers_cascadesession (
                title, start_date, end_date, venue, mode, capacity, is_public,
                status, cancel_reason, report, feedback_token, uid, created_at,
                updated_at, course_id, created_by_id, lead_trainer_id, region_id)
            SELECT 'Session ' || k, day, day + 2, '', 'in_person', 40,
                   random() < 0.7, status, '', '',
                   'bs' || lpad(k::text, 10, '0'), gen_random_uuid(), %(now)s,
                   %(now)s, %(course)s, lead, lead,
                   (%(regions)s::bigint[])[1 + floor(random() * %(n_regions)s)::int]
            FROM (
                SELECT k, status, lead,
                       CASE WHEN status = 'scheduled'
                            THEN %(today)s::date + (7 + floor(random() * 174))::int
                            ELSE %(today)s::date - (10 + floor(random() * 1491))::int
                       END AS day
                FROM (
                    SELECT k,
                           CASE WHEN k <= %(n_parents)s THEN 'validated'
                                WHEN r < 0.25 THEN 'held'
                                WHEN r < 0.45 THEN 'reported'
                                WHEN r < 0.90 THEN 'validated'
                                WHEN r < 0.96 THEN 'scheduled'
                                ELSE 'cancelled' END AS status,
                           CASE WHEN k <= %(n_parents)s
                                THEN (%(parents)s::bigint[])[k]
                                ELSE (%(everyone)s::bigint[])[
                                    1 + (k %% %(n_everyone)s)]
                           END AS lead
                    FROM (SELECT k, random() AS r
                          FROM generate_series(1, %(sessions)s) AS k) AS drawn
                ) AS chosen
            ) AS dated
            ORDER BY k
            """,
            {
                "now": now,
                "today": today,
                "course": course.pk,
                "regions": region_ids,
                "n_regions": len(region_ids),
                "n_parents": len(parents),
                "parents": parents,
                "everyone": everyone,
                "n_everyone": len(everyone),
                "sessions": args.sessions,
            },
        )
        cursor.execute(
            "SELECT lead_trainer_id, id FROM trainers_cascadesession "
            "WHERE title = ANY(%s)",
            [[f"Session {k + 1}" for k in range(len(parents))]],
        )
        trained_in_session = dict(cursor.fetchall())  # parent -> its session
    parent_of = {}
    for gen in range(1, GENERATIONS):
        for n, user_id in enumerate(by_generation[gen]):
            parent_of[user_id] = by_generation[gen - 1][n // FAN_OUT]
    certified = today - timedelta(days=200)
    TrainerProfile.objects.bulk_create(
        [
            TrainerProfile(
                user_id=user_id,
                level=(
                    TrainerProfile.Level.MASTER
                    if user_id in by_generation[0]
                    else TrainerProfile.Level.CERTIFIED
                ),
                certified_at=certified,
                certified_until=certified + timedelta(days=730),
                trained_in_id=(
                    trained_in_session[parent_of[user_id]]
                    if user_id in parent_of
                    else None
                ),
            )
            for user_id in everyone
        ],
        batch_size=5000,
    )

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM trainers_cascadesession")
        first_session, last_session = cursor.fetchone()
        # Participants: spread at random over the sessions; about 40 % women,
        # 90 % registered (the others waitlisted or cancelled, not counted),
        # an organisation type each, paper pre/post scores for 60 %.
        _execute(
            cursor,
            """
            INSERT INTO trainers_participant (
                full_name, sex, age_band, organisation_type, role, phone, state,
                source, pre_score, post_score, claim_code, registered_at,
                session_id)
            SELECT 'Participant ' || n,
                   CASE WHEN r1 < 0.40 THEN 'f' WHEN r1 < 0.98 THEN 'm' ELSE 'x' END,
                   (ARRAY['18-24', '25-34', '35-49', '50+'])[
                       1 + floor(random() * 4)::int],
                   (%(org_types)s::text[])[1 + floor(random() * %(n_types)s)::int],
                   '', '',
                   CASE WHEN r2 < 0.90 THEN 'registered'
                        WHEN r2 < 0.96 THEN 'waitlisted' ELSE 'cancelled' END,
                   'trainer',
                   CASE WHEN scored THEN round((20 + random() * 50)::numeric, 2) END,
                   CASE WHEN scored THEN round((40 + random() * 55)::numeric, 2) END,
                   'bp' || lpad(to_hex(n), 10, '0'), %(now)s,
                   %(first)s + floor(random() * %(n_sessions)s)::bigint
            FROM (
                SELECT n, random() AS r1, random() AS r2, random() < 0.6 AS scored
                FROM generate_series(1, %(participants)s) AS n
            ) AS drawn
            """,
            {
                "org_types": org_types,
                "n_types": len(org_types),
                "now": now,
                "first": first_session,
                "n_sessions": last_session - first_session + 1,
                "participants": args.participants,
            },
        )
        # Online: attempts / 2 learners with a gender, a region and an
        # organisation (some not recorded), each enrolled once in the course
        # over three years (70 % completed within two months), with a
        # submitted pre-test and post-test.
        learners = args.attempts // 2
        _execute(
            cursor,
            """
            INSERT INTO accounts_user (
                password, is_superuser, email, full_name, job_title,
                preferred_language, gender, is_staff, is_active, date_joined,
                organisation_id, region_id)
            SELECT '!', false, 'learner' || n || '@bench.kalanso.test',
                   'Apprenant ' || n, '', 'fr',
                   (ARRAY['f', 'm', 'f', 'm', 'x', ''])[1 + floor(random() * 6)::int],
                   false, true, %(now)s,
                   (%(orgs)s::bigint[])[1 + floor(random() * %(n_orgs)s)::int],
                   (%(regions)s::bigint[])[1 + floor(random() * %(n_regions)s)::int]
            FROM generate_series(1, %(learners)s) AS n
            """,
            {
                "now": now,
                # One in (n + 1) without an organisation, or a region: NULL
                # past the end of the array.
                "orgs": org_ids,
                "n_orgs": len(org_ids) + 1,
                "regions": region_ids,
                "n_regions": len(region_ids) + 1,
                "learners": learners,
            },
        )
        _execute(
            cursor,
            """
            INSERT INTO courses_enrolment (
                course_key, enrolled_at, completed_at, course_id, user_id,
                reversed_forms)
            SELECT %(key)s, enrolled,
                   CASE WHEN random() < 0.7
                        THEN LEAST(enrolled + random() * interval '60 days',
                                   %(now)s) END,
                   %(course)s, id, false
            FROM (
                SELECT id, %(now)s - random() * interval '1095 days' AS enrolled
                FROM accounts_user WHERE email LIKE 'learner%%@bench.kalanso.test'
            ) AS learners
            """,
            {"key": course.translation_key, "now": now, "course": course.pk},
        )
        _execute(
            cursor,
            """
            WITH drawn AS MATERIALIZED (
                SELECT user_id, 20 + floor(random() * 61) AS before
                FROM courses_enrolment
            )
            INSERT INTO assessments_attempt (
                number, state, started_at, submitted_at, score, max_score,
                percent, passed, user_id, quiz_id)
            SELECT 1, 'submitted', %(now)s, %(now)s, percent, 100, percent,
                   percent >= 50, user_id, quiz_id
            FROM (
                SELECT user_id, %(pre)s AS quiz_id, before AS percent FROM drawn
                UNION ALL
                SELECT user_id, %(post)s,
                       GREATEST(0, LEAST(100, before + floor(random() * 56) - 15))
                FROM drawn
            ) AS attempts
            """,
            {"now": now, "pre": pre.pk, "post": post.pk},
        )
    # As autovacuum would on a live database: statistics and the
    # visibility map (index-only scans).
    with connection.cursor() as cursor:
        for table in (
            "trainers_cascadesession",
            "trainers_trainerprofile",
            "trainers_participant",
            "courses_enrolment",
            "assessments_attempt",
            "accounts_user",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(
            "SELECT COUNT(*) FROM courses_enrolment WHERE completed_at IS NOT NULL"
        )
        completed = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM assessments_attempt")
        attempts = cursor.fetchone()[0]
    return {"completed": completed, "attempts": attempts}


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


def prepare(args, name):
    """A new database with the programme built, or (``--reuse``) the one the
    previous run left."""
    from django.db import connection

    from trainers.models import Participant

    if args.reuse:
        connection.ensure_connection()
        if not Participant.objects.exists():
            raise BenchError(f"--reuse: the database {name!r} holds no programme.")
        log(f"Reusing the programme already in {name!r}.")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM courses_enrolment WHERE completed_at IS NOT NULL"
            )
            completed = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM assessments_attempt")
            return {"completed": completed, "attempts": cursor.fetchone()[0]}
    started = time.perf_counter()
    log("Creating and migrating the database …")
    fresh_database(name)
    log(f"  migrated in {time.perf_counter() - started:.1f} s")
    log(
        f"Building the programme ({args.sessions:,} sessions, "
        f"{args.participants:,} participants, {args.attempts:,} online attempts) …"
    )
    started = time.perf_counter()
    expected = build_data(args)
    log(f"  built in {time.perf_counter() - started:.1f} s")
    return expected


def run(args, name):
    from django.core.cache import cache
    from django.test import Client

    from wagtail.models import APIToken

    from courses.factories import user_with_role
    from kalanso.accounts import roles
    from kalanso.accounts.models import User
    from reporting.models import PublicSummarySettings

    expected = prepare(args, name)
    data = check(expected)
    log(
        f"Figures check out: {data.values['cascade']:,} cascade participants, "
        f"{data.values['online']:,} online completions, "
        f"{data.values[('gain', 'online', 'n')]:,} online pre/post pairs."
    )
    from reporting.published import data_years

    years = data_years()
    log(f"Years with figures: {years[0]}–{years[-1]} ({len(years)}).")

    plain_static_files()
    manager = User.objects.filter(email="manager@bench.kalanso.test").first()
    if manager is None:
        manager = user_with_role("manager@bench.kalanso.test", roles.PROGRAMME_MANAGER)
    token = APIToken.create_token(user=manager, name="bench")[1]
    summary = PublicSummarySettings.load()
    summary.enabled = True
    summary.save()
    client = Client()
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page_client = Client()
    page_client.force_login(manager)

    counted = {}

    def get(c, url, *, uncached=False):
        def call():
            if uncached:
                cache.clear()  # the published figures are computed again
            response = c.get(url, secure=True)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
            # QueryCountMiddleware (KALANSO_COUNT_QUERIES=1) counts each request.
            counted[url] = int(response.get("X-Query-Count", -1))

        return call

    year = years[len(years) // 2]
    cases = [
        ("trivial view /healthz", client, "/healthz", False, args.repeat * 20),
        ("dashboard (exact)", page_client, "/fr/reporting/", False, args.repeat),
        (
            "dashboard, one region and year (exact)",
            page_client,
            f"/fr/reporting/?start={year}-01-01&end={year}-12-31&region=ML-5",
            False,
            args.repeat,
        ),
        (
            "dashboard as published (uncached)",
            page_client,
            "/fr/reporting/?view=published",
            True,
            args.repeat,
        ),
        (
            "API /api/v1/report (uncached)",
            api_client,
            "/api/v1/report",
            True,
            args.repeat,
        ),
        (
            f"API /api/v1/report?year={year} (uncached)",
            api_client,
            f"/api/v1/report?year={year}",
            True,
            args.repeat,
        ),
        (
            "export aggregates CSV (uncached)",
            page_client,
            "/fr/reporting/export/aggregates.csv",
            True,
            args.repeat,
        ),
        (
            "public summary page (uncached)",
            client,
            "/fr/reporting/impact/",
            True,
            args.repeat,
        ),
        (
            "cascade, whole programme",
            page_client,
            "/fr/trainers/cascade/",
            False,
            args.repeat,
        ),
    ]
    log(f"Measuring ({args.repeat} runs each, the trivial view x20) …")
    results = []
    for label, c, url, uncached, repeat in cases:
        durations, _queries = measure(get(c, url, uncached=uncached), repeat)
        results.append(
            (label, statistics.median(durations), min(durations), counted[url])
        )
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
    parser.add_argument("--sessions", type=int, help="default: one per 20 participants")
    parser.add_argument("--attempts", type=int, help="default: one per 5 participants")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the programme a previous run left in the database "
        "(not dropped, not rebuilt)",
    )
    args = parser.parse_args(argv)
    if args.sessions is None:
        args.sessions = max(args.participants // 20, 400)
    if args.attempts is None:
        args.attempts = max(args.participants // 5, 2)
    if args.repeat < 1 or args.participants < 1 or args.attempts < 2:
        parser.error("--repeat, --participants and --attempts must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    started = time.monotonic()
    try:
        name = check_postgres(database_url, drop=not args.reuse)
        django_setup(production_env(database_url=database_url, KALANSO_COUNT_QUERIES=1))
        run(args, name)
    except BenchError as exc:
        log(f"\nBENCHMARK FAILED: {exc}")
        return 1
    log(f"\nTotal time {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
