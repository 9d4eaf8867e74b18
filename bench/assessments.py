"""Assessment benchmark: attempt submission and statistics over 10,000 attempts.

    .venv/bin/python -m bench.assessments [--attempts 10000] [--submissions 300]

Builds a throw-away database (SQLite in a temp dir, or DATABASE_URL to bench
PostgreSQL — the database named there is used as is, so point it at a scratch
database), loads a 20-question quiz with N submitted attempts, and measures in
one process, through Django's full request stack with production settings:

    trivial      GET /healthz                       (the floor)
    submit       POST a 20-question attempt (scoring on the server, submit)
    statistics   the quiz statistics (summary, per question, answer counts)

It prints each one's throughput, its ratio to the trivial view and its SQL
queries per operation.
"""

import argparse
import random
import statistics
import time
from decimal import Decimal

from bench.common import count_queries, log, measure, table, throwaway_site, timed

QUESTIONS = 20


def build(attempt_count: int, submissions: int):
    """Quiz, users and attempts, written with bulk inserts."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments import factories
    from assessments.models import Attempt, AttemptQuestion
    from assessments.services import attempt_start

    rng = random.Random(7)
    questions = [
        factories.single_choice(text=f"<p>Question {n}</p>") for n in range(QUESTIONS)
    ]
    quiz = factories.quiz_with(questions, title="Benchmark quiz", kind="post")
    User = get_user_model()
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", full_name=f"Bench {n}", password="!")
        for n in range(attempt_count + submissions)
    )
    snapshots = [q.snapshot() for q in questions]
    now = timezone.now()
    batch = 2000
    for start in range(0, attempt_count, batch):
        chunk = users[start : min(start + batch, attempt_count)]
        attempts = Attempt.objects.bulk_create(
            Attempt(
                quiz=quiz,
                user=user,
                number=1,
                state=Attempt.State.SUBMITTED,
                started_at=now,
                submitted_at=now,
                max_score=Decimal(QUESTIONS),
            )
            for user in chunk
        )
        rows, totals = [], {}
        for attempt in attempts:
            ability = rng.random()
            for position, snap in enumerate(snapshots, start=1):
                right = rng.random() < ability
                choice = next(
                    c for c in snap["choices"] if (Decimal(c["fraction"]) == 1) == right
                )
                fraction = Decimal(1) if right else Decimal(0)
                totals[attempt.pk] = totals.get(attempt.pk, 0) + fraction
                rows.append(
                    AttemptQuestion(
                        attempt=attempt,
                        position=position,
                        question_id=snap["question_id"],
                        snapshot=snap,
                        response={"choice": choice["id"]},
                        fraction=fraction,
                        mark=fraction,
                    )
                )
        AttemptQuestion.objects.bulk_create(rows, batch_size=5000)
        for attempt in attempts:
            attempt.score = totals[attempt.pk]
            attempt.percent = (totals[attempt.pk] * 100 / QUESTIONS).quantize(
                Decimal("0.01")
            )
            attempt.passed = attempt.percent >= quiz.pass_mark
        Attempt.objects.bulk_update(
            attempts, ["score", "percent", "passed"], batch_size=2000
        )
    open_attempts = [
        attempt_start(quiz=quiz, user=user) for user in users[attempt_count:]
    ]
    return quiz, open_attempts


def run(args):
    from django.test import Client
    from django.urls import reverse

    from assessments import statistics as quiz_statistics

    log(
        f"Building {args.attempts:,} submitted attempts of a {QUESTIONS}-question quiz…"
    )
    started = time.perf_counter()
    quiz, open_attempts = build(args.attempts, args.submissions)
    log(f"  built in {time.perf_counter() - started:.1f} s")

    client = Client()
    trivial = timed(lambda: client.get("/healthz", secure=True), args.trivial)

    def answers(attempt):
        data = {"action": "submit"}
        for row in attempt.questions.all():
            data[f"q{row.position}"] = row.snapshot["choices"][0]["id"]
        return data

    submit_times, submit_queries = [], []
    for attempt in open_attempts:
        client.force_login(attempt.user)
        data = answers(attempt)
        url = reverse("assessments:attempt", args=[attempt.pk])
        begin = time.perf_counter()
        queries = count_queries(
            lambda url=url, data=data: client.post(url, data, secure=True)
        )
        submit_times.append(time.perf_counter() - begin)
        submit_queries.append(queries)

    def all_statistics():
        quiz_statistics.quiz_summary(quiz=quiz)
        quiz_statistics.question_statistics(quiz=quiz)
        quiz_statistics.answer_frequencies(quiz=quiz)

    stats_times, stats_queries = measure(all_statistics, args.stats_repeat)

    floor = len(trivial) / sum(trivial)
    rows = [
        ("trivial view /healthz", floor, 0),
        (
            "submit a 20-question attempt",
            len(submit_times) / sum(submit_times),
            statistics.median(submit_queries),
        ),
        (
            f"statistics over {args.attempts:,} attempts",
            len(stats_times) / sum(stats_times),
            stats_queries,
        ),
    ]
    log()
    table(
        ["operation", "per second", "ratio vs trivial", "queries"],
        [
            [label, f"{rate:.1f}", f"{rate / floor:.2%}", queries]
            for label, rate, queries in rows
        ],
    )
    log()
    log(
        f"Median statistics time: {statistics.median(stats_times) * 1000:.0f} ms; "
        f"median submission: {statistics.median(submit_times) * 1000:.1f} ms."
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--trivial", type=int, default=2000)
    parser.add_argument("--stats-repeat", type=int, default=10)
    args = parser.parse_args()
    with throwaway_site():
        run(args)


if __name__ == "__main__":
    main()
