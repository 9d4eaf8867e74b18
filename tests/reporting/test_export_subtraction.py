"""Aggregate exports cannot be subtracted (issue #12, finding 5).

The reviewer's case: all time, Kidal 14; from September, 11; so August is 3,
which the August file hides. Files of figures now cover all time or one
calendar year, the periods protected together with the public page and the
API; any other cut is refused. The attacker below is independent of the
code: every figure a file publishes is a sum of "atoms" (the people trained
in one region in one month); a count is given away when its atoms' sum lies
in the span of the published sums (Gaussian elimination over the
rationals). Whatever sequence of export requests a manager makes, no region
× run of months holding 1 to 4 people is given away.
"""

import csv
import io
from datetime import date
from fractions import Fraction

from django.core.cache import cache
from django.urls import reverse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kalanso.accounts.models import AuditEntry
from reporting import published, report
from reporting.suppression import HIDDEN, SMALL
from trainers import factories
from trainers.models import TrainerProfile

pytestmark = pytest.mark.django_db

KIDAL, GAO, MOPTI = "ML-8", "ML-7", "ML-5"
# People trained in cascade sessions: {(region, year, month): count}.
ATOMS = {
    (MOPTI, 2024, 7): 4,
    (GAO, 2024, 3): 20,
    (MOPTI, 2025, 2): 9,
    (KIDAL, 2025, 8): 3,
    (GAO, 2025, 8): 6,
    (KIDAL, 2025, 10): 11,
    (GAO, 2025, 11): 2,
}
MONTHS = [(year, month) for year in (2024, 2025) for month in range(1, 13)]
COLUMNS = ("cascade", "all")  # no one online: "all" is the cascade


@pytest.fixture
def programme(course):
    cache.clear()
    lead = factories.trainer("lead@example.org", TrainerProfile.Level.CERTIFIED)
    for (region, year, month), count in ATOMS.items():
        session = factories.session(
            course,
            lead,
            status="validated",
            region=region,
            start=date(year, month, 10),
        )
        factories.participants(session, count, women=count // 2)
    exact = report.build()
    table = exact.tables["regions"]
    return {
        "title": str(table.title),
        "columns": [c.key for c in table.columns],
        "rows": {row["label"]: row["key"] for row in exact.table_rows(table)},
    }


def export(client, params):
    return client.get(reverse("reporting:export_aggregates", args=["csv"]), params)


def regions_figures(response, programme) -> tuple[list, dict]:
    """The file's "About" rows and its regions table: {(row, column): shown}."""
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    start = lines.index([programme["title"]])
    header = lines[start + 1]
    assert len(header) == 1 + len(programme["columns"])
    figures = {}
    for line in lines[start + 2 :]:
        if not line or len(line) == 1:
            break
        key = programme["rows"][line[0]]
        for column, shown in zip(programme["columns"], line[1:], strict=True):
            if column in COLUMNS:
                figures[(key, column)] = (
                    shown if shown in (SMALL, HIDDEN) else int(shown)
                )
    return lines[:8], figures


def period_of(about) -> tuple[date | None, date | None, list]:
    """The period a file says it covers, and any other filter it names."""

    def day(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None

    values = [row[1] for row in about[2:7]]
    others = [v for v in values[2:] if day(v) is None and v not in ("all", "tous")]
    return day(values[0]), day(values[1]), others


def atoms_of(row, start, end) -> tuple:
    """The atoms a published figure adds up."""
    return tuple(
        (region, year, month)
        for (region, year, month) in ATOMS
        if (row == "total" or row == region)
        and (start is None or date(year, month, 10) >= start)
        and (end is None or date(year, month, 10) <= end)
    )


class Span:
    """The sums the attacker knows, row-reduced over the rationals."""

    def __init__(self):
        self.order = sorted(ATOMS)
        self.basis: list[tuple[int, list[Fraction]]] = []

    def vector(self, atoms):
        return [Fraction(1 if a in atoms else 0) for a in self.order]

    def reduce(self, vector):
        vector = list(vector)
        for pivot, row in self.basis:
            if vector[pivot]:
                factor = vector[pivot] / row[pivot]
                vector = [a - factor * b for a, b in zip(vector, row, strict=True)]
        return vector

    def add(self, atoms):
        vector = self.reduce(self.vector(atoms))
        pivot = next((i for i, v in enumerate(vector) if v), None)
        if pivot is not None:
            self.basis.append((pivot, vector))

    def knows(self, atoms) -> bool:
        return not any(self.reduce(self.vector(atoms)))


def small_counts():
    """Every region (and all regions together) × run of months whose count
    is 1 to 4, as the atoms it adds up (deduplicated)."""
    found = set()
    for region in (KIDAL, GAO, MOPTI, "total"):
        for i, first in enumerate(MONTHS):
            for last in MONTHS[i:]:
                start, end = date(*first, 1), date(*last, 28)
                atoms = atoms_of(region, start, end)
                if 1 <= sum(ATOMS[a] for a in atoms) <= 4:
                    found.add(atoms)
    return found


MONTH_STARTS = [date(year, month, 1).isoformat() for year, month in MONTHS]
requests = st.fixed_dictionaries(
    {},
    optional={
        "year": st.sampled_from(["", "2024", "2025", "2026", "1999", "twenty"]),
        "start": st.sampled_from(MONTH_STARTS),
        "end": st.sampled_from(MONTH_STARTS),
        "region": st.sampled_from([KIDAL, GAO]),
        "org_type": st.just("ngo"),
    },
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(sequence=st.lists(requests, min_size=1, max_size=5))
@example(sequence=[{}, {"start": "2025-09-01"}])  # the reviewer's subtraction
@example(sequence=[{}, {"year": "2024"}, {"year": "2025"}])
def test_no_sequence_of_exports_gives_a_small_count_away(
    client, manager, programme, sequence
):
    client.force_login(manager)
    span = Span()
    served = 0
    for params in sequence:
        before = AuditEntry.objects.count()
        response = export(client, params)
        if response.status_code == 302:
            assert AuditEntry.objects.count() == before  # nothing exported
            continue
        assert response.status_code == 200, params
        served += 1
        about, figures = regions_figures(response, programme)
        start, end, others = period_of(about)
        assert others == [], f"a file cut by {others} left the platform"
        for (row, _column), shown in figures.items():
            atoms = atoms_of(row, start, end)
            if shown in (SMALL, HIDDEN):
                continue
            assert shown == sum(ATOMS[a] for a in atoms), (params, row, shown)
            span.add(atoms)
    given_away = [atoms for atoms in small_counts() if span.knows(atoms)]
    assert given_away == [], given_away


def test_the_attacker_sees_the_reviewer_subtraction():
    """The oracle itself: all time and "from September" give August away."""
    span = Span()
    for row in (KIDAL, GAO, MOPTI, "total"):
        span.add(atoms_of(row, None, None))
        span.add(atoms_of(row, date(2025, 9, 1), None))
    assert span.knows(((KIDAL, 2025, 8),))
    # Gao: March 2024 + August 2025 together, neither alone.
    assert span.knows(((GAO, 2024, 3), (GAO, 2025, 8)))
    assert not span.knows(((GAO, 2025, 8),))


def test_filters_are_refused_with_a_reason(client, manager, programme):
    client.force_login(manager)
    for params in (
        {"start": "2025-09-01"},
        {"region": KIDAL},
        {"year": "2025", "org_type": "ngo"},
        {"year": "1999"},
        {"year": "twenty"},
    ):
        response = export(client, params)
        assert response.status_code == 302, params
        assert response["Location"] == reverse("reporting:dashboard")
        # Followed, the redirect shows why (and uses the message up).
        page = client.get(response["Location"]).content.decode()
        assert "un fichier de chiffres couvre toute la période" in page
    assert not AuditEntry.objects.filter(action="reporting.export_aggregates").exists()


def test_a_year_file_is_the_published_year(client, manager, programme):
    client.force_login(manager)
    response = export(client, {"year": "2025"})
    assert response.status_code == 200
    assert "kalanso-report-2025-" in response["Content-Disposition"]
    about, figures = regions_figures(response, programme)
    assert period_of(about)[:2] == (date(2025, 1, 1), date(2025, 12, 31))
    year = published.published_report(2025)
    rows = {r["key"]: r for r in year.table_rows(year.tables["regions"])}
    column = programme["columns"].index("cascade")
    for (row, name), shown in figures.items():
        if name == "cascade":
            assert rows[row]["values"][column] == shown
    assert figures[(KIDAL, "cascade")] == 14


def test_the_dashboard_offers_the_periods_and_says_why(client, manager, programme):
    client.force_login(manager)
    html = client.get(reverse("reporting:dashboard")).content.decode()
    assert '<option value="2024">2024</option>' in html
    assert '<option value="2025">2025</option>' in html
    assert "pourraient être soustraits" in html
