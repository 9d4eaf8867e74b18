"""What leaves the platform: one system of figures, protected as a whole.

The public summary page publishes the all-time report; the API publishes it
too, and one report per calendar year (``?year=``). Every count of the
all-time report is the sum of the same count over the years, so reports
protected one by one give each other away: with Kidal "<5" in 2025, 10 in
2026 and 13 all-time, 13 − 10 = 3. Here the all-time report and the report
of every year that has data are protected *together*, by one call of
:func:`reporting.suppression.protect` over the union of their cells, with
their own relations plus, for every count, ``all-time = Σ years`` (the
all-time timeline's months, quarters or years = the sum of the years'
months). The trainer pool (today's figures, whatever the period) is one set
of cells shared by all the reports.

A year without data (before the first, after the last) publishes zeros,
which name nobody, and the shared pool figures.

Cached for :data:`CACHE_SECONDS` (per language: the labels are translated),
dropped with the public summary's cache (``signals.PUBLIC_CACHE_VERSION``).
Everything published — the public page, the API, the dashboard's
"as published" view and the aggregate exports without filters — comes from
this one system. The dashboard's filtered "as published" views are for
programme managers, who see the exact figures anyway.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import get_language

from courses.models import Enrolment
from trainers.models import CascadeSession

from . import report, suppression
from .filters import Filters
from .signals import PUBLIC_CACHE_VERSION
from .suppression import relation

CACHE_SECONDS = 900
ALL_TIME = None
ATTEMPTS = 3


def is_shared(key) -> bool:
    """Cells that do not depend on the period: the trainer pool, today."""
    return isinstance(key, tuple) and bool(key) and key[0] == "pool"


def year_filters(year: int) -> Filters:
    return Filters(start=date(year, 1, 1), end=date(year, 12, 31))


def data_years() -> list[int]:
    """Every calendar year from the first to the last that has figures: the
    dates the report filters on (a session's first day, an enrolment, a
    completion), in the site's time zone like the filters. Two queries."""
    sessions = CascadeSession.objects.aggregate(
        low=Min("start_date"), high=Max("start_date")
    )
    enrolments = Enrolment.objects.aggregate(
        low=Min("enrolled_at"),
        high=Max("enrolled_at"),
        done_low=Min("completed_at"),
        done_high=Max("completed_at"),
    )
    years = [d.year for d in (sessions["low"], sessions["high"]) if d is not None]
    years += [
        timezone.localdate(moment).year
        for moment in enrolments.values()
        if moment is not None
    ]
    if not years:
        return []
    return list(range(min(years), max(years) + 1))


def _months(bucket: str) -> list[str]:
    """The months ("YYYY-MM") of an all-time timeline bucket: a month
    ("2025-03"), a quarter ("2025-Q2") or a year ("2025")."""
    year = bucket[:4]
    if len(bucket) == 4:
        months = range(1, 13)
    elif "-Q" in bucket:
        quarter = int(bucket[-1])
        months = range(3 * quarter - 2, 3 * quarter + 1)
    else:
        return [bucket]
    return [f"{year}-{month:02d}" for month in months]


def _cell(period, key):
    return key if is_shared(key) else (period, key)


def _year_parts(key, years, values) -> list:
    """The cells whose sum is the all-time cell ``key``."""
    if isinstance(key, tuple) and key[0] == "time":
        _time, bucket, source = key
        year = int(bucket[:4])
        return [
            cell
            for month in _months(bucket)
            if (cell := (year, ("time", month, source))) in values
        ]
    return [(year, key) for year in years if (year, key) in values]


def protect_together(reports: dict) -> dict:
    """``{period: Report}`` (exact, ``ALL_TIME`` among them) → the same
    reports, published, their cells hidden by one joint protection."""
    overall = reports[ALL_TIME]
    years = [period for period in reports if period is not ALL_TIME]
    values: dict = {}
    relations = []
    for period, data in reports.items():
        for key in data.values:
            if is_shared(key):
                data.values[key] = overall.values[key]
            values.setdefault(_cell(period, key), data.values[key])
        relations += [
            relation(_cell(period, r.total), [_cell(period, p) for p in r.parts])
            for r in data.relations
        ]
    for key in overall.values:
        if is_shared(key):
            continue
        parts = _year_parts(key, years, values)
        # A year without the row (no data for it) publishes nothing there: 0.
        # With no year at all the cell is 0 and says so; a non-zero one is a
        # bug, which the relation makes ``protect`` refuse.
        if parts or overall.values[key]:
            relations.append(relation((ALL_TIME, key), parts))
    status = suppression.protect(values, list(dict.fromkeys(relations)))
    for period, data in reports.items():
        data.published = True
        data.status = {
            key: status[_cell(period, key)]
            for key in data.values
            if _cell(period, key) in status
        }
    return reports


@contextmanager
def _snapshot():
    """One consistent view of the data for all the reports (on PostgreSQL a
    repeatable-read transaction; SQLite's transactions are snapshots)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def build_system() -> dict:
    """Every published report: ``{ALL_TIME: Report, year: Report, …}``, read
    in a fixed number of queries whatever the number of years (one GROUP BY
    year per figure, see ``report.build_yearly``)."""
    for attempt in range(ATTEMPTS):
        try:
            with _snapshot():
                reports = report.build_yearly(
                    year_filters, data_years, public_titles=True
                )
                return protect_together(reports)
        except ValueError:
            # A relation that does not add up: data changed between the
            # queries (outside a snapshot). Build again; a real bug repeats.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _cache_key() -> str:
    version = cache.get_or_set(PUBLIC_CACHE_VERSION, 1, timeout=None)
    return f"reporting:published:{version}:{get_language()}"


def system(*, refresh: bool = False) -> dict:
    key = _cache_key()
    reports = None if refresh else cache.get(key)
    if reports is None:
        reports = build_system()
        cache.set(key, reports, CACHE_SECONDS)
    return reports


def published_report(year: int | None = None) -> report.Report:
    """The published all-time report, or one year's."""
    reports = system()
    if year is None or year in reports:
        return reports[year]
    data = report.build(year_filters(year), public_titles=True)
    if any(v for key, v in data.values.items() if not is_shared(key)):
        # Figures for a year the cached system did not have yet.
        reports = system(refresh=True)
        if year in reports:
            return reports[year]
    overall = reports[ALL_TIME]
    data.published = True
    data.status = {}
    for key, value in data.values.items():
        if is_shared(key):
            data.values[key] = overall.values[key]
            if key in overall.status:
                data.status[key] = overall.status[key]
        elif value:  # cannot happen (see data_years); hidden, to be safe
            data.status[key] = suppression.COMPLEMENTARY
    return data
