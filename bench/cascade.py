"""Cascade reach benchmark: lineage over 100,000 participants on PostgreSQL.

    .venv/bin/python -m bench.cascade [--participants 100000] [--sessions 5000]
                                      [--repeat 7] [--explain] [--try-indexes]

Drops and recreates the database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/kalanso_bench; its name must contain
"bench"), migrates it with Django's test-database machinery and builds, with
bulk inserts, a programme of five generations of trainers:

    generation 1   10 trainers (master trainers)
    generation g   3 trainers per trainer of generation g - 1, each one
                   trained in a held session led by that trainer (10, 30, 90,
                   270, 810: 1,210 trainers)

5,000 cascade sessions spread over the trainers and Mali's regions (about 90 %
held / reported / validated, the rest scheduled or cancelled, which do not
count) and 100,000 participants (about 40 % women; about 90 % registered, the
rest waitlisted or cancelled, which do not count).

It then measures, in one process with production settings (median and best of
``--repeat`` runs after one warm-up run, and the SQL queries of one run):

    trivial view   GET /healthz through the full request stack (the floor)
    SELECT 1       one database round trip
    cascade()      the whole programme's reach per generation
    cascade(g1)    the reach of one generation-1 trainer (121 trainers below)
    cascade(g4)    the reach of one generation-4 trainer (3 trainers below)
    generations()  every trainer's generation

and checks the figures: the whole programme's total equals a direct COUNT of
registered participants in counted sessions, and every generation's trainers,
sessions, participants and women equal what was built (exit 1 otherwise).

--explain prints EXPLAIN (ANALYZE, BUFFERS) of the main recursive query (the
reach per generation) for the whole programme and for the generation-4 trainer.
--try-indexes then creates candidate indexes in the bench database, measures
again and prints the difference (the indexes are dropped afterwards).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

from bench.common import (
    BenchError,
    check_postgres,
    django_setup,
    fresh_database,
    log,
    measure,
    production_env,
    table,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kalanso_bench"
GENERATIONS = 5
FIRST_GENERATION = 10
FAN_OUT = 3  # trainers each trainer trains
BATCH = 5000

# (status, weight): scheduled and cancelled sessions must not count.
SESSION_STATUSES = [
    ("held", 25),
    ("reported", 20),
    ("validated", 45),
    ("scheduled", 6),
    ("cancelled", 4),
]
COUNTED = ("held", "reported", "validated")  # the others do not count
PARTICIPANT_STATES = [("registered", 90), ("waitlisted", 6), ("cancelled", 4)]
SEXES = [("f", 40), ("m", 58), ("x", 2)]
AGE_BANDS = ["18-24", "25-34", "35-49", "50+"]

# Indexes tried with --try-indexes: (name, table, definition).
CANDIDATE_INDEXES = [
    (
        "bench_session_lead_status",
        "trainers_cascadesession",
        "(lead_trainer_id, status)",
    ),
    (
        "bench_participant_session_state_sex",
        "trainers_participant",
        "(session_id, state) INCLUDE (sex)",
    ),
    (
        "bench_profile_trained_in_user",
        "trainers_trainerprofile",
        "(trained_in_id, user_id)",
    ),
]


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- Data ---------------------------------------------------------------------------


class Programme:
    """What was built, to check the benchmark's figures against."""

    def __init__(self):
        self.generation = {}  # user_id -> generation
        self.parent = {}  # user_id -> parent user_id (None for generation 1)
        self.session_lead = {}  # session_id -> lead user_id
        self.session_counted = {}  # session_id -> bool
        self.registered = {}  # session_id -> registered participants
        self.women = {}  # session_id -> registered women

    def below(self, user_id):
        """``{user_id: depth}`` of the trainers downstream of user_id (0 itself)."""
        children = {}
        for child, parent in self.parent.items():
            children.setdefault(parent, []).append(child)
        depths, todo = {user_id: 0}, [user_id]
        while todo:
            current = todo.pop()
            for child in children.get(current, []):
                depths[child] = depths[current] + 1
                todo.append(child)
        return depths

    def expected(self, user_id=None):
        """Per generation: [trainers, counted sessions, participants, women]."""
        if user_id is None:
            depths = dict(self.generation)
        else:
            base = self.generation[user_id]
            depths = {u: d + base for u, d in self.below(user_id).items()}
        result = {}
        for gen in depths.values():
            result.setdefault(gen, [0, 0, 0, 0])[0] += 1
        for session_id, lead in self.session_lead.items():
            if lead not in depths or not self.session_counted[session_id]:
                continue
            row = result[depths[lead]]
            row[1] += 1  # counted sessions, with or without participants
            row[2] += self.registered.get(session_id, 0)
            row[3] += self.women.get(session_id, 0)
        return result


def build(args, rng) -> Programme:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from courses.factories import course_with_lessons
    from kalanso.accounts import roles
    from kalanso.accounts.models import Region, User
    from trainers.models import CascadeSession, Participant, TrainerProfile

    programme = Programme()
    course = course_with_lessons(lessons=1, title="Sensibilité aux conflits (bench)")
    regions = list(Region.objects.all())

    # Trainers: accounts first (sessions point at them), profiles last
    # (trained_in points at a session).
    sizes = [FIRST_GENERATION * FAN_OUT**g for g in range(GENERATIONS)]
    users = User.objects.bulk_create(
        [
            User(
                email=f"g{gen + 1}-{n}@bench.kalanso.test",
                full_name=f"Formateur G{gen + 1} {n:04d}",
                password="!",
                email_confirmed_at=timezone.now(),
            )
            for gen, size in enumerate(sizes)
            for n in range(size)
        ],
        batch_size=BATCH,
    )
    by_generation, start = [], 0
    for size in sizes:
        by_generation.append([u.pk for u in users[start : start + size]])
        start += size
    for gen, ids in enumerate(by_generation, start=1):
        for n, user_id in enumerate(ids):
            programme.generation[user_id] = gen
            programme.parent[user_id] = (
                by_generation[gen - 2][n // FAN_OUT] if gen > 1 else None
            )

    # Sessions: trainers who train others first, so each of them leads at
    # least one; then round-robin over everyone.
    parents = [u for ids in by_generation[:-1] for u in ids]
    leaves = list(by_generation[-1])
    rng.shuffle(parents)
    rng.shuffle(leaves)
    order = parents + leaves
    if args.sessions < len(parents):
        raise BenchError(f"--sessions must be at least {len(parents)}.")
    today = date.today()
    rows = []
    for k in range(args.sessions):
        status = weighted(rng, SESSION_STATUSES)
        if k < len(parents):
            status = "validated"  # where the next generation was trained
        if status == "scheduled":
            start_date = today + timedelta(days=rng.randint(7, 180))
        else:
            start_date = today - timedelta(days=rng.randint(10, 1500))
        lead = order[k % len(order)]
        rows.append(
            CascadeSession(
                title=f"Session {k + 1}",
                course=course,
                lead_trainer_id=lead,
                start_date=start_date,
                end_date=start_date + timedelta(days=2),
                region=rng.choice(regions),
                capacity=40,
                status=status,
                is_public=rng.random() < 0.7,
                created_by_id=lead,
            )
        )
    sessions = CascadeSession.objects.bulk_create(rows, batch_size=BATCH)
    counted_by_lead = {}
    for s in sessions:
        counted = s.status in COUNTED
        programme.session_lead[s.pk] = s.lead_trainer_id
        programme.session_counted[s.pk] = counted
        if counted:
            counted_by_lead.setdefault(s.lead_trainer_id, []).append(s.pk)

    certified = today - timedelta(days=200)
    TrainerProfile.objects.bulk_create(
        [
            TrainerProfile(
                user_id=user_id,
                level=(
                    TrainerProfile.Level.MASTER
                    if gen == 1
                    else TrainerProfile.Level.CERTIFIED
                ),
                certified_at=certified,
                certified_until=certified + timedelta(days=730),
                trained_in_id=(
                    rng.choice(counted_by_lead[programme.parent[user_id]])
                    if gen > 1
                    else None
                ),
            )
            for user_id, gen in programme.generation.items()
        ],
        batch_size=BATCH,
    )
    # The groups ``certification.sync_groups`` would give them, in bulk.
    groups = dict(
        Group.objects.filter(
            name__in=[roles.TRAINER_POOL, roles.TRAINER, roles.MASTER_TRAINER]
        ).values_list("name", "pk")
    )
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, group_id=groups[name])
            for user_id in programme.generation
            for name in (roles.TRAINER_POOL, roles.TRAINER)
        ]
        + [
            Membership(user_id=user_id, group_id=groups[roles.MASTER_TRAINER])
            for user_id in by_generation[0]
        ],
        batch_size=BATCH,
    )

    # Participants: spread at random over the sessions (about 20 each).
    session_ids = [s.pk for s in sessions]
    batch = []
    for n in range(args.participants):
        session_id = rng.choice(session_ids)
        state = weighted(rng, PARTICIPANT_STATES)
        sex = weighted(rng, SEXES)
        if state == "registered":
            programme.registered[session_id] = (
                programme.registered.get(session_id, 0) + 1
            )
            if sex == "f":
                programme.women[session_id] = programme.women.get(session_id, 0) + 1
        batch.append(
            Participant(
                session_id=session_id,
                full_name=f"Participant {n + 1}",
                sex=sex,
                age_band=rng.choice(AGE_BANDS),
                state=state,
                source=Participant.Source.TRAINER,
            )
        )
        if len(batch) == BATCH:
            Participant.objects.bulk_create(batch)
            batch = []
    if batch:
        Participant.objects.bulk_create(batch)

    # Fresh statistics, as autovacuum would gather on a live database.
    with connection.cursor() as cursor:
        for model in (User, TrainerProfile, CascadeSession, Participant):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return programme


# --- Measurement ----------------------------------------------------------------------


def captured(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        function()
    return [q["sql"] for q in ctx.captured_queries]


def reach_sql(function):
    """The main recursive query of a cascade() call: the reach per generation."""
    for sql in captured(function):
        if "WITH RECURSIVE" in sql and "COUNT(DISTINCT" in sql:
            return sql
    raise BenchError("cascade() ran no recursive reach query.")


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def execution_ms(plan):
    for line in plan:
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return float("nan")


def check(programme, operations, ids):
    """Compare lineage's figures with what was built and with a direct COUNT."""
    from trainers import lineage
    from trainers.models import Participant

    whole = operations["whole"]()
    direct = Participant.objects.filter(
        state=Participant.State.REGISTERED,
        session__status__in=COUNTED,
    ).count()
    problems = []
    if whole.total != direct:
        problems.append(
            f"whole programme: cascade().total = {whole.total:,}, "
            f"direct COUNT = {direct:,}"
        )
    for key, user_id in (("whole", None), ("g1", ids["g1"]), ("g4", ids["g4"])):
        result = operations[key]()
        want = programme.expected(user_id)
        got = {
            g.generation: [g.trainers, g.sessions, g.participants, g.women]
            for g in result.generations
        }
        if got != want:
            problems.append(f"cascade({key}): got {got}, built {want}")
    if lineage.generations() != programme.generation:
        problems.append("generations() differs from the generations built")
    if problems:
        raise BenchError("Wrong figures:\n  " + "\n  ".join(problems))
    return whole, direct


def run(args, name):
    from django.db import connection
    from django.test import Client

    from kalanso.accounts.models import User
    from trainers import lineage

    started = time.perf_counter()
    log("Creating and migrating the database …")
    fresh_database(name)
    log(f"  migrated in {time.perf_counter() - started:.1f} s")

    log(
        f"Building {GENERATIONS} generations of trainers, {args.sessions:,} sessions "
        f"and {args.participants:,} participants …"
    )
    started = time.perf_counter()
    programme = build(args, random.Random(args.seed))
    build_seconds = time.perf_counter() - started
    log(f"  built in {build_seconds:.1f} s")

    by_gen = {}
    for user_id, gen in sorted(programme.generation.items()):
        by_gen.setdefault(gen, []).append(user_id)
    g1 = User.objects.get(pk=by_gen[1][0])
    g4 = User.objects.get(pk=by_gen[4][0])
    operations = {
        "whole": lambda: lineage.cascade(),
        "g1": lambda: lineage.cascade(g1),
        "g4": lambda: lineage.cascade(g4),
    }
    ids = {"g1": g1.pk, "g4": g4.pk}
    whole, direct = check(programme, operations, ids)
    log(
        f"Figures check out: total {whole.total:,} = direct COUNT {direct:,} "
        f"(direct {whole.direct:,}, indirect {whole.indirect:,}); "
        "every generation matches the data built."
    )

    client = Client()

    def trivial_view():
        response = client.get("/healthz", secure=True)
        if response.status_code != 200:
            raise BenchError(f"/healthz answered {response.status_code}")

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    below_g1 = len(programme.below(g1.pk)) - 1
    below_g4 = len(programme.below(g4.pk)) - 1
    cases = [
        ("trivial view /healthz", trivial_view, args.repeat * 20),
        ("SELECT 1", select_one, args.repeat * 20),
        ("cascade() whole programme", operations["whole"], args.repeat),
        (f"cascade(g1), {below_g1} below", operations["g1"], args.repeat),
        (f"cascade(g4), {below_g4} below", operations["g4"], args.repeat),
        ("generations()", lineage.generations, args.repeat),
    ]

    def measure_all(label):
        log(f"Measuring ({label}) …")
        results = []
        for case_label, function, repeat in cases:
            durations, queries = measure(function, repeat)
            results.append((case_label, durations, queries))
            log(
                f"  {case_label:<28} median {statistics.median(durations) * 1000:8.2f} ms"
                f"  best {min(durations) * 1000:8.2f} ms  {queries} queries"
            )
        return results

    results = measure_all(f"{args.repeat} runs each, trivial ones x20")
    plans = {
        "whole programme": reach_sql(operations["whole"]),
        "generation-4 trainer": reach_sql(operations["g4"]),
    }
    before = {label: explain(sql) for label, sql in plans.items()}
    if args.explain:
        for label, plan in before.items():
            log(f"\nEXPLAIN ANALYZE of the reach query, {label}:")
            for line in plan:
                log(f"  {line}")

    after, indexed = None, None
    if args.try_indexes:
        log("\nCreating the candidate indexes in the bench database …")
        with connection.cursor() as cursor:
            for index, table, definition in CANDIDATE_INDEXES:
                cursor.execute(f"CREATE INDEX {index} ON {table} {definition}")
                log(f"  {index} ON {table} {definition}")
            for table in {table for _index, table, _definition in CANDIDATE_INDEXES}:
                cursor.execute(f"VACUUM ANALYZE {table}")
        indexed = measure_all("with the candidate indexes")
        after = {label: explain(sql) for label, sql in plans.items()}
        if args.explain:
            for label, plan in after.items():
                log(f"\nEXPLAIN ANALYZE with the candidate indexes, {label}:")
                for line in plan:
                    log(f"  {line}")
        with connection.cursor() as cursor:
            for index, _table, _definition in CANDIDATE_INDEXES:
                cursor.execute(f"DROP INDEX {index}")
        check(programme, operations, ids)

    summary(args, build_seconds, whole, results, before, indexed, after)


def summary(args, build_seconds, whole, results, before, indexed, after):
    floor = statistics.median(results[0][1])
    log()
    log(
        f"Cascade reach on PostgreSQL: {args.participants:,} participants, "
        f"{args.sessions:,} sessions, {GENERATIONS} generations, "
        f"{sum(g.trainers for g in whole.generations):,} trainers "
        f"(data built in {build_seconds:.1f} s)"
    )
    head = ["operation", "median ms", "best ms", "queries", "x trivial view"]
    if indexed:
        head.append("indexed ms")
    rows = []
    for n, (label, durations, queries) in enumerate(results):
        median = statistics.median(durations)
        row = [
            label,
            f"{median * 1000:.2f}",
            f"{min(durations) * 1000:.2f}",
            queries,
            f"{median / floor:.1f}",
        ]
        if indexed:
            row.append(f"{statistics.median(indexed[n][1]) * 1000:.2f}")
        rows.append(row)
    table(head, rows)
    log()
    for label, plan in before.items():
        line = f"Reach query, {label}: {execution_ms(plan):.1f} ms in PostgreSQL"
        if after:
            line += f" ({execution_ms(after[label]):.1f} ms with the candidate indexes)"
        log(line)
    log()
    log("Per generation (whole programme):")
    table(
        ["gen", "trainers", "sessions", "participants", "women", "women %", "regions"],
        [
            [
                g.generation,
                f"{g.trainers:,}",
                f"{g.sessions:,}",
                f"{g.participants:,}",
                f"{g.women:,}",
                g.women_share,
                len(g.regions),
            ]
            for g in whole.generations
        ],
        right_from=0,
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=7, help="runs per measure (7)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--explain", action="store_true", help="print the EXPLAIN ANALYZE plans"
    )
    parser.add_argument(
        "--try-indexes",
        action="store_true",
        help="measure again with candidate indexes (dropped afterwards)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.participants < 1:
        parser.error("--repeat and --participants must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    started = time.monotonic()
    try:
        name = check_postgres(database_url)
        django_setup(production_env(database_url=database_url))
        run(args, name)
    except BenchError as exc:
        log(f"\nBENCHMARK FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        log("\nInterrupted.")
        return 130
    log(f"\nTotal time {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
