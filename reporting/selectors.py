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
from django.db.models.functions import ExtractYear, TruncMonth
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


# Periods ----------------------------------------------------------------------------

ALL = None  # the period of figures that are not split by year


def _grouped(qs, date_field: str, by_year: bool, *fields):
    """``qs.values(*fields)``, with ``period`` first (the calendar year of
    ``date_field`` in the site's time zone, like the filters) when
    ``by_year``: one GROUP BY for every year at once."""
    if by_year:
        return qs.annotate(period=ExtractYear(date_field)).values("period", *fields)
    return qs.values(*fields)


def _period(row: dict):
    return row.pop("period", ALL)


# Reach ----------------------------------------------------------------------------


def regions() -> list[Region]:
    return list(Region.objects.order_by("sort_order", "name"))


def reach_cube(f: Filters, *, by_year: bool = False) -> dict:
    """``{period: {source: {(region_id, organisation type, sex): count}}}``
    for the two sources ("online", "cascade"): one query each. Every
    breakdown by region, organisation type or sex, and the totals, are sums
    over this cube. ``period``: the year (of the session's first day, of the
    completion) when ``by_year``, else :data:`ALL`."""
    cascade = (
        _grouped(
            participants(f),
            "session__start_date",
            by_year,
            "session__region_id",
            "organisation_type",
            "sex",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    online = (
        _grouped(
            completions(f),
            "completed_at",
            by_year,
            "user__region_id",
            "user__organisation__type",
            "user__gender",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict = {}
    for source, rows in (("cascade", cascade), ("online", online)):
        for row in rows:
            period = _period(row)
            region_id, org_type, sex, n = row.values()
            cube = result.setdefault(period, {"online": {}, "cascade": {}})[source]
            dims = (region_id, org_type or UNKNOWN, sex or UNKNOWN)
            cube[dims] = cube.get(dims, 0) + n
    return result


def timeline(f: Filters) -> dict:
    """``{source: {first day of month: count}}``: one query per source (a
    month's year is its period)."""
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


def _empty_generation() -> dict:
    return {
        "sessions": 0,
        "participants": 0,
        "women": 0,
        "scored": 0,
        "pre_sum": Decimal(0),
        "post_sum": Decimal(0),
        "improved": 0,
        "bands": dict.fromkeys((k for k, _l, _h in GAIN_BANDS), 0),
    }


def generations(f: Filters, *, by_year: bool = False) -> dict:
    """``{period: {generation: figures}}`` (generation None = lead trainer
    outside the lineage): sessions, participants, women, participants with
    both scores, sums of their pre and post scores, how many improved and
    how many fall in each gain band. Two queries: the lineage (recursive)
    and one GROUP BY lead trainer (and year) over the participants (the
    cascade's knowledge gain is summed from it too)."""
    generation_of = lineage.generations()
    scored = _scored()
    bands = {
        f"band_{key}": Count("pk", filter=scored & condition)
        for key, condition in _band_conditions().items()
    }
    rows = (
        _grouped(
            participants(f).annotate(gain=F("post_score") - F("pre_score")),
            "session__start_date",
            by_year,
            "session__lead_trainer_id",
        )
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
        period = _period(data)
        gen = generation_of.get(data["session__lead_trainer_id"])
        row = result.setdefault(period, {}).setdefault(gen, _empty_generation())
        row["sessions"] += data["sessions"]
        row["participants"] += data["n"]
        row["women"] += data["women"]
        row["scored"] += data["scored"]
        row["pre_sum"] += _decimal(data["pre"])
        row["post_sum"] += _decimal(data["post"])
        row["improved"] += data["improved"]
        for key, _low, _high in GAIN_BANDS:
            row["bands"][key] += data[f"band_{key}"]
    return result


def by_generation(f: Filters) -> dict:
    """``{generation: figures}`` of :func:`generations`, not split by year."""
    return generations(f).get(ALL, {})


def _decimal(value) -> Decimal:
    """A sum from the database as a Decimal (SQLite gives floats)."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def gain_from(
    n: int, pre_sum: Decimal, post_sum: Decimal, improved: int, bands: dict
) -> dict:
    """Means from sums: the knowledge gain of people with both scores."""
    return {
        "n": n,
        "mean_pre": pre_sum / n if n else None,
        "mean_post": post_sum / n if n else None,
        "mean_gain": (post_sum - pre_sum) / n if n else None,
        "improved": improved,
        "bands": dict(bands),
    }


def cascade_gain_from(generations: dict) -> dict:
    """The cascade's knowledge gain summed from :func:`by_generation` (no
    further query); the same figures as :func:`cascade_gain`."""
    return gain_from(
        sum(g["scored"] for g in generations.values()),
        sum((g["pre_sum"] for g in generations.values()), Decimal(0)),
        sum((g["post_sum"] for g in generations.values()), Decimal(0)),
        sum(g["improved"] for g in generations.values()),
        {
            key: sum(g["bands"][key] for g in generations.values())
            for key, _low, _high in GAIN_BANDS
        },
    )


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


def empty_gain_sums() -> dict:
    return {
        "n": 0,
        "pre_sum": Decimal(0),
        "post_sum": Decimal(0),
        "improved": 0,
        "bands": dict.fromkeys((k for k, _l, _h in GAIN_BANDS), 0),
    }


def online_gain_sums(f: Filters, *, by_year: bool = False) -> dict:
    """``{period: {n, pre_sum, post_sum, improved, bands}}`` of the online
    knowledge gain (period: the year of the enrolment when ``by_year``).
    One query: the best submitted attempt per (person, quiz) grouped once,
    joined to the enrolments' pre-test and post-test (hash joins, no
    correlated subquery per enrolment)."""
    enrolled = enrolments(f).filter(
        course__pre_test_id__isnull=False, course__post_test_id__isnull=False
    )
    columns = ["user_id", "pre_quiz", "post_quiz"]
    if by_year:
        enrolled = enrolled.annotate(period=ExtractYear("enrolled_at"))
        columns.append("period")
    enrolled_sql, enrolled_params = (
        enrolled.annotate(
            pre_quiz=completion.pre_test_id_sql(),
            post_quiz=completion.post_test_id_sql(),
        )
        .values_list(*columns)
        .order_by()
        .query.sql_with_params()
    )
    period = "e.period" if by_year else "NULL"
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
    # Table name, columns and bands are constants, the rest ORM-compiled;
    # values are parameters.
    sql = f"""
        WITH e({", ".join(columns)}) AS ({enrolled_sql}),
        best AS (
            SELECT user_id, quiz_id, MAX(percent) AS p
            FROM {Attempt._meta.db_table}
            WHERE state = %s AND percent IS NOT NULL
              AND quiz_id IN (SELECT pre_quiz FROM e UNION SELECT post_quiz FROM e)
            GROUP BY user_id, quiz_id
        ),
        pairs AS (
            SELECT {period} AS period, b1.p AS pre, b2.p AS post,
                   b2.p - b1.p AS gain
            FROM e
            JOIN best b1 ON b1.user_id = e.user_id AND b1.quiz_id = e.pre_quiz
            JOIN best b2 ON b2.user_id = e.user_id AND b2.quiz_id = e.post_quiz
        )
        SELECT period, COUNT(*), SUM(pre), SUM(post),
               SUM(CASE WHEN gain > 0 THEN 1 ELSE 0 END), {", ".join(bands)}
        FROM pairs
        GROUP BY period
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*enrolled_params, Attempt.State.SUBMITTED])
        rows = cursor.fetchall()
    result = {}
    for period, n, pre, post, improved, *counts in rows:
        # EXTRACT gives a numeric on PostgreSQL: the year as an int, like
        # the ORM's ExtractYear.
        period = int(period) if period is not None else ALL
        result[period] = {
            "n": n or 0,
            "pre_sum": _decimal(pre),
            "post_sum": _decimal(post),
            "improved": improved or 0,
            "bands": {
                key: count or 0
                for (key, _low, _high), count in zip(GAIN_BANDS, counts, strict=True)
            },
        }
    return result


def online_gain(f: Filters) -> dict:
    """The online knowledge gain over the whole filtered period."""
    sums = online_gain_sums(f).get(ALL, empty_gain_sums())
    return gain_from(**sums)


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


def sessions_by_status(f: Filters, *, by_year: bool = False) -> dict:
    """``{period: {status: count}}`` of the sessions (by their first day)."""
    result: dict = {}
    rows = (
        _grouped(sessions(f), "start_date", by_year, "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        result.setdefault(_period(row), {})[row["status"]] = row["n"]
    return result


OTHER_COURSES = "other"


def course_rows(f: Filters, *, by_year: bool = False) -> dict:
    """``{period: {course translation key: {"enrolled", "completed"}}}``:
    enrolments in the period (all the course's language versions) and how
    many of them are completed. One query."""
    rows = (
        _grouped(enrolments(f), "enrolled_at", by_year, "course_key")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=completion.COMPLETED),
        )
        .order_by()
    )
    result: dict = {}
    for row in rows:
        result.setdefault(_period(row), {})[row["course_key"]] = {
            "enrolled": row["enrolled"],
            "completed": row["completed"],
        }
    return result


def course_titles(keys, *, public_only: bool = False) -> dict:
    """``{translation key: (title, language)}``, the title in the reader's
    language where a version exists, else in the course's own: one query
    (none without keys). ``public_only``: only course pages that are live and
    have no view restriction (on themselves or an ancestor)."""
    keys = list(keys)
    if not keys:
        return {}
    language = (get_language() or "fr")[:2]
    pages = CoursePage.objects.filter(translation_key__in=keys)
    if public_only:
        pages = pages.live().public()
    titles: dict = {}
    for key, title, lang in pages.values_list(
        "translation_key", "title", "locale__language_code"
    ):
        if key not in titles or lang == language:
            titles[key] = (title, lang)
    return titles


def course_table(rows: dict, titles: dict, *, public_only: bool = False) -> list:
    """The rows of the completion table from :func:`course_rows`' figures
    and :func:`course_titles` (no query).

    ``public_only`` (what is published): the courses without a public title
    are counted together in one row, key ``"other"``, so that the totals
    still add up and no unpublished title leaves the platform."""
    result = []
    other = {"key": OTHER_COURSES, "enrolled": 0, "completed": 0}
    for key, counts in rows.items():
        if public_only and key not in titles:
            other["enrolled"] += counts["enrolled"]
            other["completed"] += counts["completed"]
            continue
        title, language = titles.get(key, (str(key), ""))
        result.append(
            {
                "key": str(key),
                "title": title,
                # Marked when it is not the reader's language.
                "lang": language if language != (get_language() or "fr")[:2] else "",
                "enrolled": counts["enrolled"],
                "completed": counts["completed"],
            }
        )
    result.sort(key=lambda r: r["title"].lower())
    if other["enrolled"]:
        result.append({**other, "title": gettext("Other courses (not published)")})
    return result


def course_completion(f: Filters, *, public_only: bool = False) -> list[dict]:
    """Per course: enrolments in the period and how many of them are
    completed (see :func:`course_table`). Two queries."""
    rows = course_rows(f).get(ALL, {})
    return course_table(
        rows, course_titles(rows, public_only=public_only), public_only=public_only
    )
