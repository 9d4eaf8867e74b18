"""The dashboard's figures against the hand-computed programme (conftest)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from reporting import report
from reporting.filters import Filters
from trainers import factories

from .conftest import EXPECTED

pytestmark = pytest.mark.django_db


def rows(data, slug):
    table = data.tables[slug]
    keys = [c.key for c in table.columns]
    return {
        row["key"]: dict(zip(keys, row["values"], strict=True))
        for row in data.table_rows(table)
    }


def test_reach_totals_and_women(programme):
    data = report.build()
    summary = rows(data, "summary")
    assert summary["all"]["value"] == EXPECTED["all"]
    assert summary["online"]["value"] == EXPECTED["online"]
    assert summary["cascade"]["value"] == EXPECTED["cascade"]
    assert summary["women_share"]["value"] == 50.0  # 6 of 12
    assert summary["women_share_cascade"]["value"] == round(100 * 5 / 9, 1)
    assert summary["certified"]["value"] == 2  # the master and T2


def test_by_region(programme):
    regions = rows(report.build(), "regions")
    for code, (online, cascade) in EXPECTED["regions"].items():
        assert (regions[code]["online"], regions[code]["cascade"]) == (online, cascade)
        assert regions[code]["all"] == online + cascade
    assert regions["ML-1"] == {"online": 0, "cascade": 0, "all": 0}
    assert regions["total"] == {"online": 3, "cascade": 9, "all": 12}


def test_by_organisation_type_and_sex(programme):
    data = report.build()
    orgs = rows(data, "organisation_types")
    assert orgs["ngo"] == {"online": 1, "cascade": 6, "all": 7}
    assert orgs["cso"] == {"online": 0, "cascade": 3, "all": 3}
    assert orgs["un"] == {"online": 1, "cascade": 0, "all": 1}
    assert orgs["none"] == {"online": 1, "cascade": 0, "all": 1}
    sex = rows(data, "sex")
    assert sex["f"]["online"] == 1 and sex["f"]["cascade"] == 5
    assert sex["m"]["cascade"] == 4 and sex["none"]["online"] == 1
    assert sex["f"]["share"] == 50.0


def test_generations_and_gain_per_generation(programme):
    gens = rows(report.build(), "generations")
    for gen, expected in EXPECTED["generations"].items():
        for column, value in expected.items():
            assert gens[gen][column] == value, (gen, column)
    assert gens["1"]["sessions"] == 1 and gens["2"]["sessions"] == 1
    assert gens["1"]["mean_pre"] == 55.0 and gens["1"]["mean_post"] == 70.0
    assert gens["1"]["improved"] == 4
    assert gens["total"]["participants"] == 9 and gens["total"]["women"] == 5


def test_knowledge_gain(programme):
    gain = rows(report.build(), "knowledge_gain")
    expected = EXPECTED["cascade_gain"]
    for key in (
        "n",
        "mean_pre",
        "mean_post",
        "mean_gain",
        "improved",
        "improved_share",
    ):
        assert gain[key]["cascade"] == expected[key], key
    for band, count in expected["bands"].items():
        assert gain[band]["cascade"] == count, band
    online = EXPECTED["online_gain"]
    assert gain["n"]["online"] == online["n"]
    assert gain["mean_gain"]["online"] == online["mean_gain"]
    assert gain["improved"]["online"] == online["improved"]
    assert gain["lower"]["online"] == 1 and gain["over30"]["online"] == 1


def test_timeline_sessions_courses_pool(programme):
    data = report.build()
    timeline = rows(data, "timeline")
    assert timeline["2025-03"] == {"online": 1, "cascade": 6, "all": 7}
    assert timeline["2025-04"] == {"online": 2, "cascade": 3, "all": 5}
    sessions = rows(data, "sessions")
    assert sessions["validated"]["n"] == 1 and sessions["held"]["n"] == 1
    assert sessions["scheduled"]["n"] == 1 and sessions["cancelled"]["n"] == 1
    assert sessions["total"]["n"] == 4
    courses = rows(data, "courses")
    course = courses[str(programme["course"].translation_key)]
    assert course == {"enrolled": 4, "completed": 3, "rate": 75.0}
    pool = rows(data, "certification")
    assert pool["40"]["active"] == 1 and pool["30"]["active"] == 1
    assert pool["total"]["all"] == 2


def test_filters_period_region_org_type(programme):
    april = report.build(Filters(start=date(2025, 4, 1), end=date(2025, 4, 30)))
    summary = rows(april, "summary")
    assert (summary["online"]["value"], summary["cascade"]["value"]) == (2, 3)
    gao = rows(report.build(Filters(region="ML-7")), "summary")
    assert (gao["online"]["value"], gao["cascade"]["value"]) == (1, 6)
    ngo = rows(report.build(Filters(org_type="ngo")), "summary")
    assert (ngo["online"]["value"], ngo["cascade"]["value"]) == (1, 6)
    course = rows(
        report.build(Filters(course=programme["course"].translation_key)), "summary"
    )
    assert course["all"]["value"] == 12


def test_every_relation_adds_up(programme):
    from reporting.suppression import check_relations

    data = report.build()
    check_relations(data.values, data.relations)


def _queries(function):
    with CaptureQueriesContext(connection) as ctx:
        function()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(programme, client, manager):
    client.force_login(manager)
    client.get("/fr/reporting/")  # warm caches (sessions, settings…)
    small = _queries(lambda: client.get("/fr/reporting/"))
    course, master = programme["course"], programme["master"]
    for n in range(5):
        more = factories.trainer(
            f"extra{n}@example.org", trained_in=programme["sessions"][1]
        )
        session = factories.session(
            course, more, status="validated", region="ML-3", start=date(2025, 6, 1 + n)
        )
        factories.participants(session, 7, women=3, organisation_type="gov")
    factories.session(course, master, status="reported", start=date(2025, 7, 1))
    large = _queries(lambda: client.get("/fr/reporting/"))
    assert large == small
    assert small <= 40


def test_cascade_gain_summed_per_generation_equals_a_direct_aggregate(programme):
    from reporting import selectors
    from reporting.filters import resolve

    f = resolve(Filters())
    summed = selectors.cascade_gain_from(selectors.by_generation(f))
    direct = selectors.cascade_gain(f)
    assert summed["n"] == direct["n"] == 8
    assert summed["bands"] == direct["bands"]
    assert summed["improved"] == direct["improved"]
    for key in ("mean_pre", "mean_post", "mean_gain"):
        assert round(float(summed[key]), 6) == round(float(direct[key]), 6)
