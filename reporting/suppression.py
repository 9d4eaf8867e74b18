"""Small-count suppression for every aggregate that leaves the platform.

Pure functions, no Django. The rules:

* **Primary suppression.** A count of people from 1 to 4 is shown as ``"<5"``.
  A zero is shown: it names nobody. Totals are counts too: a total of 1–4 is
  hidden like any other cell.
* **Complementary suppression.** Published totals tie the cells together (a
  row total minus the visible cells of the row gives the hidden one). Figures
  are described as cells (any hashable key) and *relations* ``total = sum of
  parts``; tables that share a total (the number of people trained appears in
  the table by region, by sex, by month…) share its key, so they are protected
  together. More cells are hidden, shown as ``"x"``, until no hidden cell can be
  worked out from the published figures by arithmetic on the relations:

  1. while a relation has exactly one hidden cell, hide the smallest non-zero
     visible cell of that relation (a zero only when nothing else is left);
  2. then an exact check (linear algebra over the relations, see
     :func:`determined`) finds hidden cells that are still fixed by the
     published figures — in a two-way table, a "bridge" between two groups of
     hidden cells — and hides the smallest cell that frees them; back to 1;
  3. a reader may also use the bounds: a ``"<5"`` cell is between 1 and 4, an
     ``"x"`` cell is 0 or at least 5. Relation by relation (see
     :func:`narrowed`), when the bounds and a published total leave a single
     value for a ``"<5"`` cell (two ``"<5"`` cells whose hidden sum is 2 are
     both 1; a ``"<5"`` and an ``"x"`` summing to 6 are 1 and 5), one more
     cell of that relation is hidden; back to 1.

  It stops when every hidden cell can move without changing anything that is
  published. Each round hides one more cell, so it always ends.

What this protects against: recomputing a hidden figure from the published
ones (totals and visible cells), including across tables that share totals,
and pinning a small count down with the bounds within one relation.

What it does not claim: bounds combined across several relations at once
(a two-way reasoning over the whole table) can still narrow a hidden figure
to a range, rarely to one value. Different filters on the same data can also
be subtracted from each other; this is why the public page has no filters and
the API only filters by whole year — and why the all-time report and the
yearly reports are protected *together*, in one call over the union of their
cells with the relations ``all-time = sum of the years``
(``reporting.published``): protected separately, "<5" in one year, 10 in
the other and 13 all-time would give 3 away.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

THRESHOLD = 5
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
SMALL = "<5"
HIDDEN = "x"

# Arithmetic modulo a large prime: exact rank computations with plain ints.
# The relations have coefficients 0 and ±1; a rank over the rationals differs
# from the rank modulo P only if P divides a minor, which for these matrices
# (at most a few hundred cells) is far beyond reach.
_P = (1 << 61) - 1
_MAX_TRIALS = 25

Key = Hashable


@dataclass(frozen=True)
class Relation:
    """A published identity: ``values[total] == sum(values[p] for p in parts)``."""

    total: Key
    parts: tuple

    @property
    def cells(self) -> tuple:
        return (self.total, *self.parts)


def relation(total: Key, parts: Iterable[Key]) -> Relation:
    return Relation(total, tuple(parts))


def is_small(value) -> bool:
    """A count that primary suppression hides (1 to THRESHOLD - 1)."""
    return value is not None and 0 < value < THRESHOLD


def check_relations(values: Mapping[Key, int], relations: Iterable[Relation]):
    """Raise ValueError when a relation does not add up (a bug upstream)."""
    for rel in relations:
        missing = [k for k in rel.cells if k not in values]
        if missing:
            raise ValueError(f"Unknown cells in a relation: {missing!r}")
        if values[rel.total] != sum(values[p] for p in rel.parts):
            raise ValueError(f"Relation does not add up: {rel!r}")


def determined(hidden: Iterable[Key], relations: Iterable[Relation]) -> set:
    """The hidden cells whose value follows from the published figures.

    The published figures fix ``A·x = b`` where ``x`` are the hidden cells and
    each relation is a row of ``A`` (visible cells go to ``b``). A hidden cell
    is fixed exactly when every solution of ``A·x = 0`` is zero on it, that
    is when its unit vector is in the row space of ``A``; read from the
    reduced row echelon form: it is fixed when it is a pivot whose row has
    no other entry (then the row *is* its unit vector; any other pivot row
    holds a free column, and a free column is never fixed).

    The rows are sparse (a relation names a few cells of hundreds): they are
    kept as ``{column: coefficient}`` and reduced as they come, so that the
    work follows the entries, not the width of the table.
    """
    order = list(dict.fromkeys(hidden))
    if not order:
        return set()
    index = {key: i for i, key in enumerate(order)}
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> its row (RREF)
    holders: dict[int, set] = {}  # free column -> pivot rows holding it
    for rel in relations:
        row: dict[int, int] = {}
        for key, coef in ((rel.total, 1), *((p, _P - 1) for p in rel.parts)):
            i = index.get(key)
            if i is not None:
                value = (row.get(i, 0) + coef) % _P
                if value:
                    row[i] = value
                else:
                    del row[i]
        # Reduce by the pivot rows (they hold no other pivot column, so one
        # pass over the row's pivot columns is enough).
        for col in [c for c in row if c in pivots]:
            factor = row.get(col)
            if factor:
                for c, v in pivots[col].items():
                    value = (row.get(c, 0) - factor * v) % _P
                    if value:
                        row[c] = value
                    else:
                        del row[c]
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _P - 2, _P)
        row = {c: (v * inverse) % _P for c, v in row.items()}
        # The new pivot column leaves every other pivot row.
        for other in holders.pop(col, ()):
            target = pivots[other]
            factor = target.get(col)
            if not factor:
                continue
            for c, v in row.items():
                value = (target.get(c, 0) - factor * v) % _P
                if value:
                    target[c] = value
                    if c != col:
                        holders.setdefault(c, set()).add(other)
                else:
                    target.pop(c, None)
                    if c in holders:
                        holders[c].discard(other)
        pivots[col] = row
        for c in row:
            if c != col:
                holders.setdefault(c, set()).add(col)
    return {order[col] for col, row in pivots.items() if len(row) == 1}


def protect(values: Mapping[Key, int], relations: Iterable[Relation]) -> dict[Key, str]:
    """Which cells to hide: ``{key: PRIMARY | COMPLEMENTARY}`` (others shown).

    ``values`` are exact non-negative counts; ``relations`` the published
    identities between them (checked). Deterministic: ties go to the cell
    that comes first in ``values``.
    """
    relations = list(relations)
    check_relations(values, relations)
    position = {key: i for i, key in enumerate(values)}
    status = {key: PRIMARY for key in values if is_small(values[key])}
    lines = [list(dict.fromkeys(rel.cells)) for rel in relations]
    by_cell: dict = {}
    for line in lines:
        for key in line:
            by_cell.setdefault(key, []).append(line)

    def rank(key):
        value = values[key]
        return (value == 0, value, position[key])

    def hide(key):
        status[key] = COMPLEMENTARY

    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                hidden = [k for k in line if k in status]
                if len(hidden) != 1:
                    continue
                visible = [k for k in line if k not in status]
                if visible:
                    hide(min(visible, key=rank))
                    changed = True
        fixed = determined(status, relations)
        if not fixed:
            line = next(
                (rel for rel in relations if narrowed(values, status, rel)), None
            )
            if line is None:
                return status
            _widen(values, status, line, rank)
            continue
        target = min(fixed, key=lambda k: position[k])
        neighbours = sorted(
            {k for line in by_cell.get(target, []) for k in line if k not in status},
            key=rank,
        )
        others = sorted((k for k in values if k not in status), key=rank)
        candidates = neighbours + [k for k in others if k not in neighbours]
        if not candidates:
            return status  # everything is hidden already
        chosen = None
        for key in candidates[:_MAX_TRIALS]:
            trial = set(status) | {key}
            if target not in determined(trial, relations):
                chosen = key
                break
        hide(chosen if chosen is not None else candidates[0])


def _feasible_sums(count: int) -> range | None:
    """Sums that ``count`` small counts (1 to THRESHOLD - 1 each) can make."""
    return range(count, (THRESHOLD - 1) * count + 1)


def narrowed(values: Mapping[Key, int], status: Mapping[Key, str], rel: Relation):
    """Hidden parts of one relation that its published total pins down once
    the bounds are used: a ``"<5"`` cell is between 1 and 4, an ``"x"`` cell
    is 0 or at least 5. (Two ``"<5"`` cells whose hidden sum is 2 are both 1.)
    Returns the set of such cells (empty when the relation leaves them free,
    or when its total is hidden)."""
    if rel.total in status:
        return set()
    hidden = [p for p in dict.fromkeys(rel.parts) if p in status]
    if not hidden:
        return set()
    known = sum(values[p] for p in rel.parts if p not in status)
    remainder = values[rel.total] - known
    small = [p for p in hidden if status[p] == PRIMARY]
    others = [p for p in hidden if status[p] != PRIMARY]
    if len(small) > 5:
        # Too many combinations to list; only the two extreme sums pin them.
        if not others and remainder in (len(small), (THRESHOLD - 1) * len(small)):
            return set(small)
        return set()
    choices: dict = {p: set() for p in hidden}
    for combo in itertools.product(range(1, THRESHOLD), repeat=len(small)):
        rest = remainder - sum(combo)
        if not others:
            if rest != 0:
                continue
        elif not (rest == 0 or rest >= THRESHOLD):
            continue
        for p, v in zip(small, combo, strict=True):
            choices[p].add(v)
        if len(others) == 1:
            choices[others[0]].add(rest)
        else:
            for p in others:  # several "x" cells share the rest: not pinned
                choices[p].update({0, rest, -1})
    return {p for p in small if len(choices[p]) == 1}


def _widen(values, status, rel: Relation, rank) -> None:
    """Hide one more cell of a relation so that its hidden parts are free
    again: the smallest visible part that does it, else its total."""
    visible = sorted((p for p in rel.parts if p not in status), key=rank)
    for key in visible:
        status[key] = COMPLEMENTARY
        if not narrowed(values, status, rel):
            return
        del status[key]
    status[rel.total] = COMPLEMENTARY


def display(value, state: str | None):
    """What is published for a cell: the value, ``"<5"`` or ``"x"``."""
    if state == PRIMARY:
        return SMALL
    if state == COMPLEMENTARY:
        return HIDDEN
    return value


def protected_table(
    values: Mapping[Key, int], relations: Iterable[Relation]
) -> dict[Key, object]:
    """``{key: published value}`` in one call."""
    status = protect(values, relations)
    return {key: display(value, status.get(key)) for key, value in values.items()}


def recoverable(published: Mapping[Key, object], relations: Iterable[Relation]) -> set:
    """Hidden cells of a published table that arithmetic on the relations
    gives back (empty for anything :func:`protect` produced)."""
    hidden = [k for k, v in published.items() if v in (SMALL, HIDDEN)]
    return determined(hidden, relations)
