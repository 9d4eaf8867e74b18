"""The programme's figures, computed in the database (GROUP BY).

Every function runs a fixed number of queries whatever the size of the data,
and returns plain Python values (no model instances).

Definitions (also on the dashboard):

* **Trained online**: recorded course completions (``Enrolment.completed_at``,
  see ``courses.completion``) in the period; a person who completes two courses counts twice. Region,
  organisation type and sex come from the person's account.
* **Trained in cascade sessions**: registered participants (not waitlisted or
  cancelled) of sessions that took place (held, reported or validated), dated
  by the session's first day; region = the session's region. Someone who
  attends two sessions counts twice (most participants have no account, so
  people cannot be matched across sessions).
* **Generation**: participants are counted at their lead trainer's generation
  (as in ``trainers.lineage.cascade``): generation 1 = sessions led by the
  programme's own trainers, 2 = by the trainers they trained, and so on.
* **Knowledge gain**: post-test minus pre-test, in percentage points. Cascade:
  the paper scores of participants who have both. Online: the best submitted
  attempt at the course's pre-test and post-test (the forms swapped for
  trainees who take them in reverse order: ``courses.completion``), for
  enrolments in the period.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    F,
    Q,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language, gettext

from assessments.models import Attempt
from courses import completion
from courses.models import CoursePage, Enrolment
from kalanso.accounts.models import Region
from trainers import certification, lineage
from trainers.models import CascadeSession, Participant, TrainerProfile

from .filters import Filters

COUNTED_STATUSES = tuple(lineage.COUNTED_STATUSES)
# Knowledge-gain bands, in percentage points: (key, lower bound excluded,
# upper bound included); None = open.
GAIN_BANDS = [
    ("lower", None, None),  # gain < 0
    ("same", None, None),  # gain == 0
    ("up10", 0, 10),
    ("up20", 10, 20),
    ("up30", 20, 30),
    ("over30", 30, None),
]
UNKNOWN = ""


def _month(value) -> date:
    return date(value.year, value.month, 1)


# Base querysets ----------------------------------------------------------------


def participants(f: Filters):
    """Registered participants of sessions that took place, filtered."""
    qs = Participant.objects.filter(
        state=Participant.State.REGISTERED, session__status__in=COUNTED_STATUSES
    )
    if f.start:
        qs = qs.filter(session__start_date__gte=f.start)
    if f.end:
        qs = qs.filter(session__start_date__lte=f.end)
    if f.region:
        qs = qs.filter(session__region_id=f.region_id)
    if f.course:
        qs = qs.filter(session__course_id__in=f.course_ids)
    if f.org_type:
        qs = qs.filter(organisation_type=f.org_type)
    return qs


def _enrolments(f: Filters):
    qs = Enrolment.objects.all()
    if f.region:
        qs = qs.filter(user__region_id=f.region_id)
    if f.course:
        qs = qs.filter(course_key=f.course)
    if f.org_type:
        qs = qs.filter(user__organisation__type=f.org_type)
    return qs


def completions(f: Filters):
    """Course completions in the period (by completion date)."""
    qs = completion.completed_enrolments(_enrolments(f))
    if f.start:
        qs = qs.filter(completed_at__date__gte=f.start)
    if f.end:
        qs = qs.filter(completed_at__date__lte=f.end)
    return qs


def enrolments(f: Filters):
    """Enrolments made in the period (by enrolment date)."""
    qs = _enrolments(f)
    if f.start:
        qs = qs.filter(enrolled_at__date__gte=f.start)
    if f.end:
        qs = qs.filter(enrolled_at__date__lte=f.end)
    return qs


def sessions(f: Filters):
    qs = CascadeSession.objects.all()
    if f.start:
        qs = qs.filter(start_date__gte=f.start)
    if f.end:
        qs = qs.filter(start_date__lte=f.end)
    if f.region:
        qs = qs.filter(region_id=f.region_id)
    if f.course:
        qs = qs.filter(course_id__in=f.course_ids)
    return qs


# Reach ----------------------------------------------------------------------------


def regions() -> list[Region]:
    return list(Region.objects.order_by("sort_order", "name"))


def reach_cube(f: Filters) -> dict:
    """``{source: {(region_id, organisation type, sex): count}}`` for the two
    sources ("online", "cascade"): one query each. Every breakdown by region,
    organisation type or sex, and the totals, are sums over this cube."""
    cascade = (
        participants(f)
        .values_list("session__region_id", "organisation_type", "sex")
        .annotate(n=Count("pk"))
        .order_by()
    )
    online = (
        completions(f)
        .values_list("user__region_id", "user__organisation__type", "user__gender")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cube = {"online": defaultdict(int), "cascade": defaultdict(int)}
    for source, rows in (("cascade", cascade), ("online", online)):
        for region_id, org_type, sex, n in rows:
            cube[source][(region_id, org_type or UNKNOWN, sex or UNKNOWN)] += n
    return {source: dict(cells) for source, cells in cube.items()}


def timeline(f: Filters) -> dict:
    """``{source: {first day of month: count}}``: one query per source."""
    cascade = (
        participants(f)
        .annotate(month=TruncMonth("session__start_date"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    online = (
        completions(f)
        .annotate(month=TruncMonth("completed_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = {"online": defaultdict(int), "cascade": defaultdict(int)}
    for source, rows in (("cascade", cascade), ("online", online)):
        for month, n in rows:
            if month is not None:
                result[source][_month(month)] += n
    return {source: dict(months) for source, months in result.items()}


# Cascade generations ------------------------------------------------------------


def _scored():
    return Q(pre_score__isnull=False, post_score__isnull=False)


def _band_conditions():
    """Q objects of the gain bands on an annotation named ``gain``."""
    conditions = {}
    for key, low, high in GAIN_BANDS:
        if key == "lower":
            condition = Q(gain__lt=0)
        elif key == "same":
            condition = Q(gain=0)
        else:
            condition = Q(gain__gt=low)
            if high is not None:
                condition &= Q(gain__lte=high)
        conditions[key] = condition
    return conditions


def by_generation(f: Filters) -> dict:
    """Per generation (None = lead trainer outside the lineage): sessions,
    participants, women, participants with both scores, sums of their pre and
    post scores, how many improved and how many fall in each gain band. Two
    queries: the lineage (recursive) and one GROUP BY lead trainer over the
    participants (the cascade's knowledge gain is summed from it too)."""
    generation_of = lineage.generations()
    scored = _scored()
    bands = {
        f"band_{key}": Count("pk", filter=scored & condition)
        for key, condition in _band_conditions().items()
    }
    rows = (
        participants(f)
        .annotate(gain=F("post_score") - F("pre_score"))
        .values("session__lead_trainer_id")
        .annotate(
            sessions=Count("session_id", distinct=True),
            n=Count("pk"),
            women=Count("pk", filter=Q(sex="f")),
            scored=Count("pk", filter=scored),
            pre=Sum("pre_score", filter=scored),
            post=Sum("post_score", filter=scored),
            improved=Count("pk", filter=scored & Q(gain__gt=0)),
            **bands,
        )
        .order_by()
    )
    result: dict = {}
    for data in rows:
        gen = generation_of.get(data["session__lead_trainer_id"])
        row = result.setdefault(
            gen,
            {
                "sessions": 0,
                "participants": 0,
                "women": 0,
                "scored": 0,
                "pre_sum": Decimal(0),
                "post_sum": Decimal(0),
                "improved": 0,
                "bands": dict.fromkeys((k for k, _l, _h in GAIN_BANDS), 0),
            },
        )
        row["sessions"] += data["sessions"]
        row["participants"] += data["n"]
        row["women"] += data["women"]
        row["scored"] += data["scored"]
        row["pre_sum"] += Decimal(data["pre"] or 0)
        row["post_sum"] += Decimal(data["post"] or 0)
        row["improved"] += data["improved"]
        for key, _low, _high in GAIN_BANDS:
            row["bands"][key] += data[f"band_{key}"]
    return result


def cascade_gain_from(generations: dict) -> dict:
    """The cascade's knowledge gain summed from :func:`by_generation` (no
    further query); the same figures as :func:`cascade_gain`."""
    n = sum(g["scored"] for g in generations.values())
    pre = sum((g["pre_sum"] for g in generations.values()), Decimal(0))
    post = sum((g["post_sum"] for g in generations.values()), Decimal(0))
    return {
        "n": n,
        "mean_pre": pre / n if n else None,
        "mean_post": post / n if n else None,
        "mean_gain": (post - pre) / n if n else None,
        "improved": sum(g["improved"] for g in generations.values()),
        "bands": {
            key: sum(g["bands"][key] for g in generations.values())
            for key, _low, _high in GAIN_BANDS
        },
    }


# Knowledge gain -------------------------------------------------------------------


def _gain_aggregates(qs, pre: str, post: str) -> dict:
    """Mean pre, post and gain, and the number of people in each gain band,
    over a queryset annotated with ``gain``: one query."""
    bands = {
        key: Count("pk", filter=condition)
        for key, condition in _band_conditions().items()
    }
    data = qs.aggregate(
        n=Count("pk"),
        mean_pre=Avg(pre),
        mean_post=Avg(post),
        mean_gain=Avg("gain"),
        improved=Count("pk", filter=Q(gain__gt=0)),
        **{f"band_{key}": expr for key, expr in bands.items()},
    )
    return {
        "n": data["n"],
        "mean_pre": data["mean_pre"],
        "mean_post": data["mean_post"],
        "mean_gain": data["mean_gain"],
        "improved": data["improved"],
        "bands": {key: data[f"band_{key}"] for key, _low, _high in GAIN_BANDS},
    }


def cascade_gain(f: Filters) -> dict:
    qs = (
        participants(f)
        .filter(_scored())
        .annotate(gain=F("post_score") - F("pre_score"))
    )
    return _gain_aggregates(qs, "pre_score", "post_score")


def online_gain(f: Filters) -> dict:
    """One query: the best submitted attempt per (person, quiz) grouped once,
    joined to the enrolments' pre-test and post-test (hash joins, no
    correlated subquery per enrolment)."""
    enrolled_sql, enrolled_params = (
        enrolments(f)
        .filter(course__pre_test_id__isnull=False, course__post_test_id__isnull=False)
        .annotate(
            pre_quiz=completion.pre_test_id_sql(),
            post_quiz=completion.post_test_id_sql(),
        )
        .values_list("user_id", "pre_quiz", "post_quiz")
        .order_by()
        .query.sql_with_params()
    )
    bands = []
    for key, low, high in GAIN_BANDS:
        if key == "lower":
            condition = "gain < 0"
        elif key == "same":
            condition = "gain = 0"
        else:
            condition = f"gain > {int(low)}"
            if high is not None:
                condition += f" AND gain <= {int(high)}"
        bands.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
    # Table name and bands are constants, the rest ORM-compiled; values are
    # parameters.
    sql = f"""
        WITH e(user_id, pre_quiz, post_quiz) AS ({enrolled_sql}),
        best AS (
            SELECT user_id, quiz_id, MAX(percent) AS p
            FROM {Attempt._meta.db_table}
            WHERE state = %s AND percent IS NOT NULL
              AND quiz_id IN (SELECT pre_quiz FROM e UNION SELECT post_quiz FROM e)
            GROUP BY user_id, quiz_id
        ),
        pairs AS (
            SELECT b1.p AS pre, b2.p AS post, b2.p - b1.p AS gain
            FROM e
            JOIN best b1 ON b1.user_id = e.user_id AND b1.quiz_id = e.pre_quiz
            JOIN best b2 ON b2.user_id = e.user_id AND b2.quiz_id = e.post_quiz
        )
        SELECT COUNT(*), AVG(pre), AVG(post), AVG(gain),
               SUM(CASE WHEN gain > 0 THEN 1 ELSE 0 END), {", ".join(bands)}
        FROM pairs
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*enrolled_params, Attempt.State.SUBMITTED])
        row = cursor.fetchone()
    n, mean_pre, mean_post, mean_gain, improved, *counts = row
    return {
        "n": n or 0,
        "mean_pre": mean_pre,
        "mean_post": mean_post,
        "mean_gain": mean_gain,
        "improved": improved or 0,
        "bands": {
            key: count or 0
            for (key, _low, _high), count in zip(GAIN_BANDS, counts, strict=True)
        },
    }


# Trainers, sessions, courses -------------------------------------------------------


def trainer_pool() -> dict:
    """``{(level, status): count}`` of the trainer pool, and how many
    certifications end in the next 60 days: two queries. Not filtered."""
    cells = {
        (level, status): n
        for level, status, n in TrainerProfile.objects.values_list("level", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {"cells": cells, "expiring": certification.expiring_soon().count()}


def sessions_by_status(f: Filters) -> dict:
    return dict(sessions(f).values_list("status").annotate(n=Count("pk")).order_by())


OTHER_COURSES = "other"


def course_completion(f: Filters, *, public_only: bool = False) -> list[dict]:
    """Per course (all its language versions): enrolments in the period and
    how many of them are completed. Two queries.

    ``public_only`` (what is published): titles only from course pages that
    are live and have no view restriction (on themselves or an ancestor);
    the other courses are counted together in one row, key ``"other"``, so
    that the totals still add up and no unpublished title leaves the
    platform."""
    rows = (
        enrolments(f)
        .values_list("course_key")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=completion.COMPLETED),
        )
        .order_by()
    )
    rows = list(rows)
    language = (get_language() or "fr")[:2]
    pages = CoursePage.objects.filter(translation_key__in=[r[0] for r in rows])
    if public_only:
        pages = pages.live().public()
    titles: dict = {}
    for key, title, lang in pages.values_list(
        "translation_key", "title", "locale__language_code"
    ):
        if key not in titles or lang == language:
            titles[key] = title
    result = []
    other = {"key": OTHER_COURSES, "enrolled": 0, "completed": 0}
    for key, enrolled, completed in rows:
        if public_only and key not in titles:
            other["enrolled"] += enrolled
            other["completed"] += completed
            continue
        result.append(
            {
                "key": str(key),
                "title": titles.get(key, str(key)),
                "enrolled": enrolled,
                "completed": completed,
            }
        )
    result.sort(key=lambda r: r["title"].lower())
    if other["enrolled"]:
        result.append({**other, "title": gettext("Other courses (not published)")})
    return result
