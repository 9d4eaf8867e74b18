"""One system of published figures: the all-time report and every year's are
protected together, so that subtracting published periods gives nothing
away (the reviewer's case: Kidal "<5" in 2024, 10 in 2025, 13 all-time)."""

from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from wagtail.models import APIToken

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.factories import user_with_role
from kalanso.accounts.models import Region
from reporting import published, report, views
from reporting.filters import Filters
from reporting.suppression import HIDDEN, SMALL, display, recoverable, relation
from tests.races import Background
from tests.reporting.test_suppression import grid, matrices, oracle_recoverable
from trainers import factories
from trainers.models import Participant, TrainerProfile

KIDAL = "ML-8"


def hidden(value) -> bool:
    return value in (SMALL, HIDDEN)


@pytest.fixture
def token(db):
    manager = user_with_role("manager@example.org", "Programme manager")
    return APIToken.create_token(user=manager, name="donor")[1]


@pytest.fixture
def two_years(course):
    """Cascade participants per region and year (validated sessions)."""
    cache.clear()
    lead = factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)
    counts = {
        2024: {KIDAL: 3, "ML-7": 20, "ML-5": 8, "ML-BKO": 12},
        2025: {KIDAL: 10, "ML-7": 15, "ML-5": 6, "ML-BKO": 9},
    }
    for year, regions in counts.items():
        for month, (code, n) in enumerate(regions.items(), start=2):
            session = factories.session(
                course,
                lead,
                status="validated",
                region=code,
                start=date(year, month, 3),
            )
            factories.participants(session, n, women=n // 2)
    return counts


def regions_table(client, token, year=None):
    url = reverse("reporting_api:table", args=["regions"])
    if year is not None:
        url += f"?year={year}"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    return {row["key"]: row["values"] for row in response.json()["table"]["rows"]}


@pytest.mark.django_db
def test_reports_protected_one_by_one_gave_kidal_away(two_years):
    """What the reviewer found (the previous behaviour): each period
    protected alone, all-time minus 2025 is Kidal's 2024 figure."""
    alone = {
        None: report.build(Filters(), published=True),
        2025: report.build(published.year_filters(2025), published=True),
        2024: report.build(published.year_filters(2024), published=True),
    }
    key = ("region", Region.objects.get(code=KIDAL).pk, "cascade")
    shown = {period: data.shown(report.Cell(key=key)) for period, data in alone.items()}
    assert shown == {None: 13, 2025: 10, 2024: SMALL}
    assert shown[None] - shown[2025] == 3


@pytest.mark.django_db
def test_the_api_no_longer_gives_kidal_away(client, token, two_years):
    all_time = regions_table(client, token)
    years = {year: regions_table(client, token, year) for year in (2024, 2025)}
    assert years[2024][KIDAL]["cascade"] == SMALL
    # The reviewer's subtraction: all-time minus the other year.
    for column in ("cascade", "all"):
        total, other = all_time[KIDAL][column], years[2025][KIDAL][column]
        assert hidden(total) or hidden(other), (column, total, other)
    # No arithmetic on the published figures of the three tables recovers
    # any hidden cell: inside each table (rows, totals) and across periods.
    periods = {None: all_time, **years}
    published_cells, relations = {}, []
    for period, table in periods.items():
        for row, values in table.items():
            for column, value in values.items():
                published_cells[(period, row, column)] = value
            relations.append(
                relation(
                    (period, row, "all"),
                    [(period, row, "online"), (period, row, "cascade")],
                )
            )
        for column in ("online", "cascade", "all"):
            relations.append(
                relation(
                    (period, "total", column),
                    [(period, row, column) for row in table if row != "total"],
                )
            )
    for row, values in all_time.items():
        for column in values:
            relations.append(
                relation((None, row, column), [(y, row, column) for y in years])
            )
    assert any(hidden(v) for v in published_cells.values())
    assert recoverable(published_cells, relations) == set()


@pytest.mark.django_db
def test_public_page_and_api_publish_the_same_all_time_figures(
    client, token, two_years
):
    page_report = views.public_report()
    api = regions_table(client, token)
    rows = {
        row["key"]: row["values"]
        for row in page_report.table_rows(page_report.tables["regions"])
    }
    assert [rows[key] for key in rows] == [list(api[key].values()) for key in rows]


@pytest.mark.django_db
def test_the_whole_system_leaves_nothing_recoverable(two_years):
    """Every table of every period, with every relation, at once."""
    reports = published.build_system()
    assert set(reports) == {None, 2024, 2025}
    values, relations = {}, []

    def cell(period, key):
        return key if published.is_shared(key) else (period, key)

    for period, data in reports.items():
        assert data.published
        for key, value in data.values.items():
            values[cell(period, key)] = display(value, data.status.get(key))
        relations += [
            relation(cell(period, r.total), [cell(period, p) for p in r.parts])
            for r in data.relations
        ]
    for key in reports[None].values:
        if not published.is_shared(key):
            relations.append(
                relation(
                    (None, key),
                    published._year_parts(key, [2024, 2025], values),
                )
            )
    assert recoverable(values, relations) == set()
    # The yearly report hides what it would have shown alone.
    alone = report.build(published.year_filters(2025), published=True)
    assert set(alone.status) <= set(reports[2025].status)


def test_months_of_a_timeline_bucket():
    assert published._months("2025-03") == ["2025-03"]
    assert published._months("2025-Q2") == ["2025-04", "2025-05", "2025-06"]
    assert published._months("2025") == [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "step"), [(2021, "Q"), (2012, "year")])
def test_all_time_quarters_and_years_are_the_sum_of_the_months(course, first, step):
    """Over two years the all-time timeline counts by quarter, over ten by
    year: each bucket is tied to the months of the yearly reports."""
    lead = factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)
    for year, month, n in ((first, 2, 3), (first, 11, 7), (2025, 5, 2)):
        session = factories.session(
            course, lead, status="validated", region=KIDAL, start=date(year, month, 3)
        )
        factories.participants(session, n)
    reports = published.build_system()  # the relations add up, or ValueError
    assert set(reports) == {None, *range(first, 2026)}
    buckets = [row.key for row in reports[None].tables["timeline"].rows]
    assert (step in buckets[0]) if step == "Q" else (len(buckets[0]) == 4)
    overall = reports[None]
    small = ("time", buckets[-2], "cascade")  # the bucket of May 2025: 2 people
    assert overall.values[small] == 2
    may = reports[2025]
    assert may.shown(report.Cell(key=("time", "2025-05", "cascade"))) == SMALL
    assert overall.shown(report.Cell(key=small)) == SMALL


@pytest.mark.django_db
def test_a_year_without_data_publishes_zeros(client, token, two_years):
    empty = regions_table(client, token, 2019)
    assert empty["total"] == {"online": 0, "cascade": 0, "all": 0}
    body = client.get(
        reverse("reporting_api:table", args=["certification"]) + "?year=2019",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    all_time = client.get(
        reverse("reporting_api:table", args=["certification"]),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert body["table"]["rows"] == all_time["table"]["rows"]  # the pool: today


def _fake(values, relations, year=None):
    filters = published.year_filters(year) if year else Filters()
    return report.Report(
        filters=filters, tables={}, values=dict(values), relations=list(relations)
    )


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=2, max_value=3).flatmap(
        lambda n: st.lists(matrices, min_size=n, max_size=n)
    )
)
def test_no_hidden_cell_can_be_recovered_across_periods(tables):
    """Random two-way tables per year (the rows and columns of the report are
    the same every year: the smaller tables are completed with zeros);
    all-time = their sum."""
    rows = max(len(m) for m in tables)
    cols = max(len(m[0]) for m in tables)
    tables = [
        [
            [m[i][j] if i < len(m) and j < len(m[0]) else 0 for j in range(cols)]
            for i in range(rows)
        ]
        for m in tables
    ]
    reports = {}
    for number, matrix in enumerate(tables):
        values, relations = grid(matrix)
        reports[2020 + number] = _fake(values, relations, 2020 + number)
    total = [[sum(m[i][j] for m in tables) for j in range(cols)] for i in range(rows)]
    reports[None] = _fake(*grid(total))
    published.protect_together(reports)
    shown, relations = {}, []
    for period, data in reports.items():
        for key, value in data.values.items():
            shown[(period, key)] = display(value, data.status.get(key))
            if 1 <= value <= 4:
                assert shown[(period, key)] == SMALL
        relations += [
            relation((period, r.total), [(period, p) for p in r.parts])
            for r in data.relations
        ]
    for key in reports[None].values:
        relations.append(
            relation(
                (None, key),
                [(y, key) for y in reports if y is not None],
            )
        )
    assert oracle_recoverable(shown, relations) == set()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_system_is_built_from_one_snapshot(course, monkeypatch):
    """Outside a transaction (a real request), the reports are read in one
    transaction (repeatable read on PostgreSQL; on SQLite the write waits)
    so that they add up: another connection adds participants to a 2024
    session and commits after the all-time report is built and before the
    years are, and every report shows the figures before that write or every
    report those after it, never a mix."""
    lead = factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)
    sessions = {}
    for year in (2024, 2025):
        sessions[year] = factories.session(
            course, lead, status="validated", region=KIDAL, start=date(year, 5, 3)
        )
        factories.participants(sessions[year], 6)
    before, after = {None: 12, 2024: 6, 2025: 6}, {None: 15, 2024: 9, 2025: 6}

    def write():
        with transaction.atomic():
            factories.participants(sessions[2024], 3)

    writers = []
    data_years = published.data_years

    def data_years_after_a_write():
        # Called between the all-time report and the years' (every attempt).
        writers.append(Background(write))
        # Committed at once on PostgreSQL; on SQLite it waits for the
        # build's transaction, so give up waiting after a while.
        writers[-1].finished(0.5)
        return data_years()

    monkeypatch.setattr(published, "data_years", data_years_after_a_write)
    reports = published.build_system()
    for writer in writers:
        writer.result()
    assert len(writers) == 1, "built again: the first build did not add up"
    assert set(reports) == {None, 2024, 2025}
    shown = {period: data.values["cascade"] for period, data in reports.items()}
    assert shown in (before, after)
    assert shown[None] == shown[2024] + shown[2025]
    assert Participant.objects.filter(session=sessions[2024]).count() == 9
