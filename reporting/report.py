"""The programme report: every aggregate as a table of cells, exact for the
in-platform dashboard, suppressed for everything that leaves the platform.

Each count is a cell with a key (shared between tables that show the same
figure: the number of people trained is the total of the table by region, by
sex, by month…) and the identities between cells are ``Relation``s, so that
:mod:`reporting.suppression` protects all tables together. Percentages and
means are *derived* cells: published only when every count they are computed
from is published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kalanso.accounts.models import Organisation, User
from trainers.models import CascadeSession, TrainerProfile

from . import selectors, suppression
from .filters import Filters, resolve
from .suppression import Relation, relation

SOURCES = ("online", "cascade")
UNKNOWN = selectors.UNKNOWN


@dataclass
class Column:
    key: str
    label: str


@dataclass
class Cell:
    """A count (``key`` into the report's values) or a derived number."""

    key: Hashable | None = None
    value: object = None
    deps: tuple = ()
    kind: str = "count"  # count | percent | mean


@dataclass
class Row:
    key: str
    label: str
    cells: dict
    is_total: bool = False
    # The label's language when it is not the reader's (a course without a
    # version in the reader's language): the page marks it with ``lang``.
    lang: str = ""


@dataclass
class Table:
    slug: str
    title: str
    columns: list
    rows: list
    note: str = ""


@dataclass
class Report:
    filters: Filters
    tables: dict
    values: dict
    relations: list
    published: bool = False
    status: dict = field(default_factory=dict)
    generated_at: object = None
    extra: dict = field(default_factory=dict)

    def hidden(self, key) -> bool:
        return key in self.status

    def shown(self, cell: Cell | None):
        """The figure as this report shows it: exact, or ``"<5"``/``"x"``
        when published; None when there is nothing to show (no data)."""
        if cell is None:
            return None
        if cell.key is not None:
            value = self.values[cell.key]
            if self.published:
                return suppression.display(value, self.status.get(cell.key))
            return value
        if self.published and any(d in self.status for d in cell.deps):
            return suppression.HIDDEN
        return cell.value

    def number(self, cell: Cell | None):
        """A number for a chart, or None when hidden or empty."""
        value = self.shown(cell)
        return value if isinstance(value, int | float) else None

    def table_rows(self, table: Table) -> list[dict]:
        return [
            {
                "key": row.key,
                "label": str(row.label),
                "lang": row.lang,
                "is_total": row.is_total,
                "values": [self.shown(row.cells.get(c.key)) for c in table.columns],
            }
            for row in table.rows
        ]


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _mean(value):
    return round(float(value), 1) if value is not None else None


def _sum_mean(total: Decimal, n: int):
    return round(float(total) / n, 1) if n else None


def _label_region(region) -> str:
    return region.localized_name if region is not None else _("Not recorded")


SEX_LABELS = {
    "f": User.Gender.FEMALE.label,
    "m": User.Gender.MALE.label,
    "x": User.Gender.UNDISCLOSED.label,
}


class _Builder:
    def __init__(self, filters: Filters):
        self.f = filters
        self.values: dict = {}
        self.relations: list[Relation] = []
        self.tables: dict = {}

    def put(self, key, value) -> Cell:
        self.values[key] = int(value or 0)
        return Cell(key=key)

    def relate(self, total, parts):
        self.relations.append(relation(total, list(parts)))

    # Reach by region, organisation type and sex (rolled up from one cube).

    def reach(self, cube, name, title, rows, index, note=""):
        """rows: [(row key, label)]; index: cube dimensions -> row key."""
        sums = {source: defaultdict(int) for source in SOURCES}
        for source in SOURCES:
            for dims, n in cube[source].items():
                sums[source][index(dims)] += n
        known = {key for key, _label in rows}
        for source in SOURCES:
            for key in sums[source]:
                if key not in known:
                    rows.append((key, str(key)))
                    known.add(key)
        table_rows = []
        for key, label in rows:
            cells = {}
            for source in SOURCES:
                cells[source] = self.put((name, key, source), sums[source].get(key, 0))
            cells["all"] = self.put(
                (name, key, "all"),
                self.values[(name, key, "online")]
                + self.values[(name, key, "cascade")],
            )
            self.relate((name, key, "all"), [(name, key, s) for s in SOURCES])
            table_rows.append(Row(key=str(key), label=label, cells=cells))
        for source in (*SOURCES, "all"):
            self.relate(source, [(name, key, source) for key, _label in rows])
        return table_rows

    def source_columns(self):
        return [
            Column("online", _("Online (course completions)")),
            Column("cascade", _("Cascade sessions (participants)")),
            Column("all", _("Total")),
        ]

    def total_row(self):
        return Row(
            key="total",
            label=_("Total"),
            is_total=True,
            cells={s: Cell(key=s) for s in (*SOURCES, "all")},
        )

    def build_reach(self, cube, regions):
        for source in SOURCES:
            self.put(source, sum(cube[source].values()))
        self.put("all", self.values["online"] + self.values["cascade"])
        self.relate("all", SOURCES)

        by_id = {r.pk: r for r in regions}
        region_rows = [(r.pk, _label_region(r)) for r in regions]
        if any(dims[0] is None for s in SOURCES for dims in cube[s]):
            region_rows.append((None, _label_region(None)))
        rows = self.reach(cube, "region", "", region_rows, lambda d: d[0])
        for row, (region_id, _label) in zip(rows, region_rows, strict=True):
            region = by_id.get(region_id)
            row.key = region.code if region else "none"
        self.tables["regions"] = Table(
            "regions",
            _("People trained by region"),
            self.source_columns(),
            [*rows, self.total_row()],
            note=_(
                "Online: the region of work in the person's account. Cascade: "
                "the region of the session."
            ),
        )

        org_rows = [(key, label) for key, label in Organisation.Type.choices]
        org_rows.append((UNKNOWN, _("Not recorded")))
        rows = self.reach(cube, "org", "", org_rows, lambda d: d[1])
        for row in rows:
            row.key = row.key or "none"
        self.tables["organisation_types"] = Table(
            "organisation_types",
            _("People trained by organisation type"),
            self.source_columns(),
            [*rows, self.total_row()],
        )

        sex_rows = [*SEX_LABELS.items(), (UNKNOWN, _("Not recorded"))]
        rows = self.reach(cube, "sex", "", sex_rows, lambda d: d[2])
        all_total = self.values["all"]
        for row in rows:
            share_key = ("sex", row.key, "all")
            row.cells["share"] = Cell(
                value=_percent(self.values[share_key], all_total),
                deps=(share_key, "all"),
                kind="percent",
            )
            row.key = row.key or "none"
        total = self.total_row()
        total.cells["share"] = Cell(value=100.0 if all_total else None, kind="percent")
        self.tables["sex"] = Table(
            "sex",
            _("People trained by sex"),
            [*self.source_columns(), Column("share", _("Share of all (%)"))],
            [*rows, total],
        )

    # Over time.

    def build_timeline(self, data):
        months = sorted({m for source in SOURCES for m in data[source]})
        if not months and not (self.f.start and self.f.end):
            rows = []
            step = "month"
        else:
            low = min([*months, *([self.f.start] if self.f.start else [])])
            high = max([*months, *([self.f.end] if self.f.end else [])])
            low, high = date(low.year, low.month, 1), date(high.year, high.month, 1)
            span = (high.year - low.year) * 12 + high.month - low.month + 1
            step = "month" if span <= 24 else "quarter" if span <= 120 else "year"
            rows = []
            buckets: dict = {}
            current = low
            while current <= high:
                bucket = _bucket(current, step)
                if bucket not in buckets:
                    buckets[bucket] = dict.fromkeys(SOURCES, 0)
                    rows.append(bucket)
                for source in SOURCES:
                    buckets[bucket][source] += data[source].get(current, 0)
                current = _next_month(current)
        table_rows = []
        for bucket in rows:
            cells = {}
            for source in SOURCES:
                cells[source] = self.put(
                    ("time", bucket, source), buckets[bucket][source]
                )
            cells["all"] = self.put(
                ("time", bucket, "all"), sum(buckets[bucket].values())
            )
            self.relate(("time", bucket, "all"), [("time", bucket, s) for s in SOURCES])
            table_rows.append(Row(key=bucket, label=bucket, cells=cells))
        if rows:
            for source in (*SOURCES, "all"):
                self.relate(source, [("time", b, source) for b in rows])
        labels = {
            "month": _("By month"),
            "quarter": _("By quarter"),
            "year": _("By year"),
        }
        self.tables["timeline"] = Table(
            "timeline",
            _("People trained over time"),
            self.source_columns(),
            [*table_rows, self.total_row()] if table_rows else [],
            note=labels[step]
            + " — "
            + _(
                "online: month of completion; cascade: month of the session's first day."
            ),
        )

    # Knowledge gain.

    def build_gain(self, gains):
        columns = []
        rows = {
            key: {}
            for key in (
                "n",
                "mean_pre",
                "mean_post",
                "mean_gain",
                "improved",
                "improved_share",
                *(k for k, _lo, _hi in selectors.GAIN_BANDS),
            )
        }
        for source, label in (
            ("cascade", _("Cascade sessions (paper tests)")),
            ("online", _("Online (course pre-test and post-test)")),
        ):
            data = gains[source]
            columns.append(Column(source, label))
            n_key, improved_key = ("gain", source, "n"), ("gain", source, "improved")
            rows["n"][source] = self.put(n_key, data["n"])
            deps = (n_key,)
            rows["mean_pre"][source] = Cell(
                value=_mean(data["mean_pre"]), deps=deps, kind="mean"
            )
            rows["mean_post"][source] = Cell(
                value=_mean(data["mean_post"]), deps=deps, kind="mean"
            )
            rows["mean_gain"][source] = Cell(
                value=_mean(data["mean_gain"]), deps=deps, kind="mean"
            )
            rows["improved"][source] = self.put(improved_key, data["improved"])
            rows["improved_share"][source] = Cell(
                value=_percent(data["improved"], data["n"]),
                deps=(improved_key, n_key),
                kind="percent",
            )
            band_keys = []
            for band, _low, _high in selectors.GAIN_BANDS:
                key = ("gainband", source, band)
                band_keys.append(key)
                rows[band][source] = self.put(key, data["bands"][band])
            self.relate(n_key, band_keys)
            self.relate(improved_key, band_keys[2:])
        labels = {
            "n": _("People with both scores"),
            "mean_pre": _("Mean pre-test score (%)"),
            "mean_post": _("Mean post-test score (%)"),
            "mean_gain": _("Mean gain (points)"),
            "improved": _("People who improved"),
            "improved_share": _("Share who improved (%)"),
            "lower": _("Gain: lower score"),
            "same": _("Gain: same score"),
            "up10": _("Gain: up to 10 points"),
            "up20": _("Gain: 10 to 20 points"),
            "up30": _("Gain: 20 to 30 points"),
            "over30": _("Gain: more than 30 points"),
        }
        self.tables["knowledge_gain"] = Table(
            "knowledge_gain",
            _("Knowledge gain (pre-test → post-test)"),
            columns,
            [Row(key=k, label=labels[k], cells=cells) for k, cells in rows.items()],
            note=_(
                "Gain = post-test score minus pre-test score, in percentage points, "
                "for people who took both."
            ),
        )

    def build_generations(self, data, gains):
        gens = sorted(g for g in data if g is not None) + (
            [None] if None in data else []
        )
        columns = [
            Column("sessions", _("Sessions")),
            Column("participants", _("Participants")),
            Column("women", _("Women")),
            Column("women_share", _("Women (%)")),
            Column("scored", _("With both scores")),
            Column("mean_pre", _("Mean pre-test (%)")),
            Column("mean_post", _("Mean post-test (%)")),
            Column("mean_gain", _("Mean gain (points)")),
            Column("improved", _("Improved")),
            Column("improved_share", _("Improved (%)")),
        ]
        counts = ("sessions", "participants", "women", "scored", "improved")
        totals = {
            "sessions": ("gen", "total", "sessions"),
            "participants": "cascade",
            "women": ("sex", "f", "cascade"),
            "scored": ("gain", "cascade", "n"),
            "improved": ("gain", "cascade", "improved"),
        }
        self.put(totals["sessions"], sum(d["sessions"] for d in data.values()))
        rows = []
        for gen in gens:
            d = data[gen]
            name = str(gen) if gen is not None else "unknown"
            cells = {c: self.put(("gen", name, c), d[c]) for c in counts}
            cells.update(self._gen_derived(name, d))
            label = (
                _("Generation %(number)s") % {"number": gen}
                if gen is not None
                else _("Lead trainer outside the recorded lineage")
            )
            rows.append(Row(key=name, label=label, cells=cells))
        for column in counts:
            self.relate(totals[column], [("gen", r.key, column) for r in rows])
        total_cells = {c: Cell(key=totals[c]) for c in counts}
        women, participants = totals["women"], totals["participants"]
        total_cells["women_share"] = Cell(
            value=_percent(self.values[women], self.values[participants]),
            deps=(women, participants),
            kind="percent",
        )
        g = gains["cascade"]
        n_key = totals["scored"]
        total_cells["mean_pre"] = Cell(value=_mean(g["mean_pre"]), deps=(n_key,))
        total_cells["mean_post"] = Cell(value=_mean(g["mean_post"]), deps=(n_key,))
        total_cells["mean_gain"] = Cell(value=_mean(g["mean_gain"]), deps=(n_key,))
        total_cells["improved_share"] = Cell(
            value=_percent(g["improved"], g["n"]),
            deps=(totals["improved"], n_key),
            kind="percent",
        )
        rows.append(
            Row(key="total", label=_("Total"), cells=total_cells, is_total=True)
        )
        self.tables["generations"] = Table(
            "generations",
            _("Cascade sessions by generation"),
            columns,
            rows,
            note=_(
                "Generation 1: sessions led by the programme's own trainers; "
                "generation 2: by the trainers they trained; and so on. The "
                "knowledge gain of each generation shows how much of the message "
                "survives each level of the cascade (paper pre-test and post-test)."
            ),
        )

    def _gen_derived(self, name, d):
        key = lambda c: ("gen", name, c)  # noqa: E731
        n = d["scored"]
        return {
            "women_share": Cell(
                value=_percent(d["women"], d["participants"]),
                deps=(key("women"), key("participants")),
                kind="percent",
            ),
            "mean_pre": Cell(value=_sum_mean(d["pre_sum"], n), deps=(key("scored"),)),
            "mean_post": Cell(value=_sum_mean(d["post_sum"], n), deps=(key("scored"),)),
            "mean_gain": Cell(
                value=_sum_mean(d["post_sum"] - d["pre_sum"], n),
                deps=(key("scored"),),
            ),
            "improved_share": Cell(
                value=_percent(d["improved"], n),
                deps=(key("improved"), key("scored")),
                kind="percent",
            ),
        }

    # Trainer pool, sessions, courses.

    def build_pool(self, pool):
        Level, Status = TrainerProfile.Level, TrainerProfile.Status
        columns = [Column(s, label) for s, label in Status.choices]
        columns.append(Column("all", _("Total")))
        rows = []
        for level, label in Level.choices:
            cells = {
                s: self.put(("pool", level, s), pool["cells"].get((level, s), 0))
                for s in Status.values
            }
            cells["all"] = self.put(
                ("pool", level, "all"),
                sum(self.values[("pool", level, s)] for s in Status.values),
            )
            self.relate(
                ("pool", level, "all"), [("pool", level, s) for s in Status.values]
            )
            rows.append(Row(key=str(level), label=label, cells=cells))
        total_cells = {}
        for s in [*Status.values, "all"]:
            total_cells[s] = self.put(
                ("pool", "all", s),
                sum(self.values[("pool", level, s)] for level in Level.values),
            )
            self.relate(
                ("pool", "all", s), [("pool", level, s) for level in Level.values]
            )
        self.relate(("pool", "all", "all"), [("pool", "all", s) for s in Status.values])
        rows.append(
            Row(key="total", label=_("Total"), cells=total_cells, is_total=True)
        )
        self.put(
            ("pool", "certified_active"),
            self.values[("pool", Level.CERTIFIED, Status.ACTIVE)]
            + self.values[("pool", Level.MASTER, Status.ACTIVE)],
        )
        self.relate(
            ("pool", "certified_active"),
            [
                ("pool", Level.CERTIFIED, Status.ACTIVE),
                ("pool", Level.MASTER, Status.ACTIVE),
            ],
        )
        self.put(("pool", "expiring"), pool["expiring"])
        self.tables["certification"] = Table(
            "certification",
            _("Certification pipeline (trainer pool)"),
            columns,
            rows,
            note=_(
                "From candidate to master trainer, today (the filters do not apply)."
            ),
        )

    def build_sessions(self, by_status):
        rows = []
        for status, label in CascadeSession.Status.choices:
            rows.append(
                Row(
                    key=status,
                    label=label,
                    cells={
                        "n": self.put(("sessions", status), by_status.get(status, 0))
                    },
                )
            )
        total = self.put(
            ("sessions", "all"), sum(self.values[("sessions", r.key)] for r in rows)
        )
        self.relate(("sessions", "all"), [("sessions", r.key) for r in rows])
        rows.append(
            Row(key="total", label=_("Total"), cells={"n": total}, is_total=True)
        )
        self.tables["sessions"] = Table(
            "sessions",
            _("Cascade sessions by status"),
            [Column("n", _("Sessions"))],
            rows,
            note=_(
                "By the session's first day (the organisation type does not apply)."
            ),
        )

    def build_courses(self, courses):
        rows = []
        for course in courses:
            key = course["key"]
            enrolled = self.put(("course", key, "enrolled"), course["enrolled"])
            completed = self.put(("course", key, "completed"), course["completed"])
            rows.append(
                Row(
                    key=key,
                    label=course["title"],
                    lang=course.get("lang", ""),
                    cells={
                        "enrolled": enrolled,
                        "completed": completed,
                        "rate": Cell(
                            value=_percent(course["completed"], course["enrolled"]),
                            deps=(enrolled.key, completed.key),
                            kind="percent",
                        ),
                    },
                )
            )
        for column in ("enrolled", "completed"):
            self.put(
                ("courses", column),
                sum(self.values[("course", r.key, column)] for r in rows),
            )
            self.relate(("courses", column), [("course", r.key, column) for r in rows])
        e, c = ("courses", "enrolled"), ("courses", "completed")
        rows.append(
            Row(
                key="total",
                label=_("Total"),
                is_total=True,
                cells={
                    "enrolled": Cell(key=e),
                    "completed": Cell(key=c),
                    "rate": Cell(
                        value=_percent(self.values[c], self.values[e]),
                        deps=(e, c),
                        kind="percent",
                    ),
                },
            )
        )
        self.tables["courses"] = Table(
            "courses",
            _("Online completion rate per course"),
            [
                Column("enrolled", _("Enrolments")),
                Column("completed", _("Completed")),
                Column("rate", _("Completion rate (%)")),
            ],
            rows,
            note=_(
                "Enrolments made in the period, and how many of them are completed."
            ),
        )

    def build_summary(self, gains):
        def share(part, whole):
            return Cell(
                value=_percent(self.values[part], self.values[whole]),
                deps=(part, whole),
                kind="percent",
            )

        rows = [
            (
                "all",
                _("People trained (online and in cascade sessions)"),
                Cell(key="all"),
            ),
            ("online", _("Trained online (course completions)"), Cell(key="online")),
            ("cascade", _("Trained in cascade sessions"), Cell(key="cascade")),
            (
                "women_share",
                _("Women's participation (%)"),
                share(("sex", "f", "all"), "all"),
            ),
            (
                "women_share_online",
                _("Women's participation online (%)"),
                share(("sex", "f", "online"), "online"),
            ),
            (
                "women_share_cascade",
                _("Women's participation in cascade sessions (%)"),
                share(("sex", "f", "cascade"), "cascade"),
            ),
            (
                "gain_cascade",
                _("Mean knowledge gain, cascade sessions (points)"),
                Cell(
                    value=_mean(gains["cascade"]["mean_gain"]),
                    deps=(("gain", "cascade", "n"),),
                ),
            ),
            (
                "gain_online",
                _("Mean knowledge gain, online (points)"),
                Cell(
                    value=_mean(gains["online"]["mean_gain"]),
                    deps=(("gain", "online", "n"),),
                ),
            ),
            (
                "certified",
                _("Certified and master trainers (active)"),
                Cell(key=("pool", "certified_active")),
            ),
            (
                "expiring",
                _("Certifications ending within 60 days"),
                Cell(key=("pool", "expiring")),
            ),
        ]
        self.tables["summary"] = Table(
            "summary",
            _("Headline figures"),
            [Column("value", _("Value"))],
            [Row(key=k, label=label, cells={"value": c}) for k, label, c in rows],
        )


def _bucket(month: date, step: str) -> str:
    if step == "month":
        return f"{month.year}-{month.month:02d}"
    if step == "quarter":
        return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    return str(month.year)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


TABLE_ORDER = [
    "summary",
    "regions",
    "organisation_types",
    "sex",
    "generations",
    "timeline",
    "knowledge_gain",
    "certification",
    "sessions",
    "courses",
]


def empty_figures() -> dict:
    """The filtered figures of a period without data."""
    return {
        "cube": {"online": {}, "cascade": {}},
        "generations": {},
        "online_gain": selectors.empty_gain_sums(),
        "timeline": {"online": {}, "cascade": {}},
        "sessions": {},
        "courses": {},
    }


def add_figures(total: dict, part: dict) -> dict:
    """Add ``part``'s figures to ``total`` (nested dictionaries of counts
    and sums, in place): the figures of a longer period are the sums of its
    years'."""
    for key, value in part.items():
        if isinstance(value, dict):
            add_figures(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total


@dataclass
class _Read:
    """What one reading of the database gives: the figures per period
    (``{period: figures}``, see :func:`empty_figures`) and what does not
    depend on the period."""

    figures: dict
    regions: list
    pool: dict
    titles: dict
    extra: object = None


def _read(f: Filters, *, by_year: bool, public_titles: bool, between=None) -> _Read:
    """Every figure of the report in a fixed number of queries (about
    fifteen), for the filtered period or, ``by_year``, for each calendar
    year at once (one GROUP BY per figure, never a query per year).
    ``between`` is called after the first figures are read (its result is
    ``extra``): what it reads belongs to the same snapshot."""
    periods: dict = defaultdict(empty_figures)
    regions = selectors.regions()
    for period, cube in selectors.reach_cube(f, by_year=by_year).items():
        periods[period]["cube"] = cube
    extra = between() if between is not None else None
    for period, gens in selectors.generations(f, by_year=by_year).items():
        periods[period]["generations"] = gens
    for period, sums in selectors.online_gain_sums(f, by_year=by_year).items():
        periods[period]["online_gain"] = sums
    for source, months in selectors.timeline(f).items():
        for month, n in months.items():
            period = month.year if by_year else selectors.ALL
            periods[period]["timeline"][source][month] = n
    for period, counts in selectors.sessions_by_status(f, by_year=by_year).items():
        periods[period]["sessions"] = counts
    for period, rows in selectors.course_rows(f, by_year=by_year).items():
        periods[period]["courses"] = rows
    keys = {key for figures in periods.values() for key in figures["courses"]}
    return _Read(
        figures=dict(periods),
        regions=regions,
        pool=selectors.trainer_pool(),
        titles=selectors.course_titles(keys, public_only=public_titles),
        extra=extra,
    )


def _assemble(
    f: Filters, figures: dict, read: _Read, *, published: bool, public_titles: bool
) -> Report:
    """A report from figures already read (no query)."""
    builder = _Builder(f)
    generations = figures["generations"]
    gains = {
        "cascade": selectors.cascade_gain_from(generations),
        "online": selectors.gain_from(**figures["online_gain"]),
    }
    builder.build_reach(figures["cube"], read.regions)
    builder.build_generations(generations, gains)
    builder.build_timeline(figures["timeline"])
    builder.build_gain(gains)
    builder.build_pool(read.pool)
    builder.build_sessions(figures["sessions"])
    builder.build_courses(
        selectors.course_table(
            figures["courses"], read.titles, public_only=public_titles
        )
    )
    builder.build_summary(gains)
    report = Report(
        filters=f,
        tables={slug: builder.tables[slug] for slug in TABLE_ORDER},
        values=builder.values,
        relations=builder.relations,
        published=published,
        generated_at=timezone.now(),
        extra={"regions": read.regions},
    )
    if published:
        report.status = suppression.protect(report.values, report.relations)
    return report


def build(
    filters: Filters | None = None,
    *,
    published: bool = False,
    public_titles: bool | None = None,
) -> Report:
    """The whole report in a fixed number of queries (about fifteen).

    ``published``: protected on its own (the dashboard's filtered "as
    published" view); what leaves the platform is protected together with the
    other periods, see ``reporting.published``. ``public_titles`` (default:
    ``published``): course titles only of published courses without view
    restrictions, the others counted together in one row."""
    if public_titles is None:
        public_titles = published
    f = resolve(filters or Filters())
    read = _read(f, by_year=False, public_titles=public_titles)
    figures = read.figures.get(selectors.ALL) or empty_figures()
    return _assemble(f, figures, read, published=published, public_titles=public_titles)


def build_yearly(year_filters, years=None, *, public_titles: bool = True) -> dict:
    """The exact all-time report and one report per calendar year,
    ``{None: Report, year: Report, …}``, from one reading of the database:
    the same fixed number of queries as :func:`build`, whatever the number
    of years. Each year's report is the one :func:`build` gives for
    ``year_filters(year)``; the all-time report's figures are the sums of
    the years'.

    ``years``: called between the first queries and the others (see
    :func:`_read`), it returns the years to report on (the years with
    figures are added to them, and the gaps between them filled)."""
    read = _read(
        resolve(Filters()), by_year=True, public_titles=public_titles, between=years
    )
    found = {period for period in read.figures if period is not None}
    found.update(read.extra or ())
    overall = empty_figures()
    for period in sorted(found):
        add_figures(overall, read.figures.get(period, {}))
    if None in read.figures:  # a date that is not recorded: all time only
        add_figures(overall, read.figures[None])
    reports = {
        None: _assemble(
            resolve(Filters()),
            overall,
            read,
            published=False,
            public_titles=public_titles,
        )
    }
    if found:
        for year in range(min(found), max(found) + 1):
            reports[year] = _assemble(
                year_filters(year),
                read.figures.get(year) or empty_figures(),
                read,
                published=False,
                public_titles=public_titles,
            )
    return reports
