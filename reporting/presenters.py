"""From a report to what a page shows: charts (SVG) and table rows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import charts, geo
from .charts import Series
from .report import Report

NO_POLYGON = ("ML-9", "ML-10")


def _series(report, table, column, name, rows=None):
    rows = [r for r in table.rows if not r.is_total] if rows is None else rows
    return Series(
        name=name,
        values=[report.number(r.cells.get(column)) for r in rows],
        labels=[report.shown(r.cells.get(column)) for r in rows],
    )


def _body(table):
    return [r for r in table.rows if not r.is_total]


def region_map(report: Report):
    table = report.tables["regions"]
    figures = {
        row.key: (report.number(row.cells["all"]), report.shown(row.cells["all"]))
        for row in table.rows
        if not row.is_total
    }
    return charts.choropleth(
        _("Map of Mali: people trained by region"),
        _(
            "People trained online and in cascade sessions in each region; the "
            "same figures are in the table below."
        ),
        figures,
        legend_title=_("People trained"),
    )


def charts_for(report: Report) -> dict:
    t = report.tables
    result = {"regions_map": region_map(report)}
    sources = [("online", _("Online")), ("cascade", _("Cascade sessions"))]
    for slug, title in (
        ("regions", _("People trained by region")),
        ("organisation_types", _("People trained by organisation type")),
        ("sex", _("People trained by sex")),
    ):
        rows = _body(t[slug])
        result[slug] = charts.bars(
            title,
            _("Bars per category, online and in cascade sessions."),
            [r.label for r in rows],
            [_series(report, t[slug], key, name, rows) for key, name in sources],
        )
    gen_rows = _body(t["generations"])
    if gen_rows:
        result["generations"] = charts.bars(
            _("Participants per generation of the cascade"),
            _("Number of participants of the sessions of each generation."),
            [r.label for r in gen_rows],
            [
                _series(
                    report,
                    t["generations"],
                    "participants",
                    _("Participants"),
                    gen_rows,
                )
            ],
        )
        result["generations_gain"] = charts.bars(
            _("Mean scores per generation of the cascade"),
            _(
                "Mean paper pre-test and post-test scores (%) of the participants "
                "of each generation."
            ),
            [r.label for r in gen_rows],
            [
                _series(report, t["generations"], "mean_pre", _("Pre-test"), gen_rows),
                _series(
                    report, t["generations"], "mean_post", _("Post-test"), gen_rows
                ),
            ],
            unit=" %",
            max_value=100,
        )
    time_rows = _body(t["timeline"])
    if time_rows:
        result["timeline"] = charts.columns(
            _("People trained over time"),
            _("Stacked columns: online completions and cascade participants."),
            [r.label for r in time_rows],
            [
                _series(report, t["timeline"], key, name, time_rows)
                for key, name in sources
            ],
        )
    band_rows = [
        r
        for r in t["knowledge_gain"].rows
        if r.key in ("lower", "same", "up10", "up20", "up30", "over30")
    ]
    result["knowledge_gain"] = charts.bars(
        _("Distribution of the knowledge gain"),
        _("Number of people in each band of gain, cascade sessions and online."),
        [r.label for r in band_rows],
        [
            _series(
                report, t["knowledge_gain"], "cascade", _("Cascade sessions"), band_rows
            ),
            _series(report, t["knowledge_gain"], "online", _("Online"), band_rows),
        ],
    )
    pool_rows = _body(t["certification"])
    result["certification"] = charts.bars(
        _("Trainer pool by level"),
        _("Number of people at each level of the certification path."),
        [r.label for r in pool_rows],
        [_series(report, t["certification"], "all", _("People"), pool_rows)],
    )
    session_rows = _body(t["sessions"])
    result["sessions"] = charts.bars(
        _("Cascade sessions by status"),
        _("Number of sessions in each status."),
        [r.label for r in session_rows],
        [_series(report, t["sessions"], "n", _("Sessions"), session_rows)],
    )
    course_rows = _body(t["courses"])
    if course_rows:
        result["courses"] = charts.bars(
            _("Online completion rate per course"),
            _("Share of the enrolments that are completed (%)."),
            [r.label for r in course_rows],
            [_series(report, t["courses"], "rate", _("Completion rate"), course_rows)],
            unit=" %",
            max_value=100,
        )
    return result


def missing_polygons(report: Report) -> list:
    """Regions with figures but no polygon on the map (Ménaka, Taoudénit)."""
    drawn = geo.geometry().codes
    return [
        r.label
        for r in report.tables["regions"].rows
        if not r.is_total and r.key not in drawn and r.key in NO_POLYGON
    ]


def sections(report: Report) -> list[dict]:
    """The tables in page order with their rows and charts."""
    drawn = charts_for(report)
    out = []
    for slug, table in report.tables.items():
        out.append(
            {
                "slug": slug,
                "table": table,
                "rows": report.table_rows(table),
                "charts": [
                    drawn[name]
                    for name in (
                        ("regions_map", "regions")
                        if slug == "regions"
                        else (slug, f"{slug}_gain")
                    )
                    if name in drawn
                ],
            }
        )
    return out
