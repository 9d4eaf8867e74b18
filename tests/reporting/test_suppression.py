"""Small-count suppression: hand-made tables, the complementary case, tables
linked by a shared total, and a property test with an independent check
(exact rational arithmetic) that no hidden cell can be recomputed."""

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.suppression import (
    COMPLEMENTARY,
    HIDDEN,
    PRIMARY,
    SMALL,
    determined,
    display,
    protect,
    protected_table,
    recoverable,
    relation,
)


def grid(matrix, prefix="c"):
    """A two-way table with row totals, column totals and a grand total."""
    values, relations = {}, []
    rows, cols = len(matrix), len(matrix[0])
    for i in range(rows):
        for j in range(cols):
            values[(prefix, i, j)] = matrix[i][j]
    for i in range(rows):
        values[(prefix, "row", i)] = sum(matrix[i])
        relations.append(
            relation((prefix, "row", i), [(prefix, i, j) for j in range(cols)])
        )
    for j in range(cols):
        values[(prefix, "col", j)] = sum(matrix[i][j] for i in range(rows))
        relations.append(
            relation((prefix, "col", j), [(prefix, i, j) for i in range(rows)])
        )
    values[(prefix, "all")] = sum(map(sum, matrix))
    relations.append(
        relation((prefix, "all"), [(prefix, "row", i) for i in range(rows)])
    )
    relations.append(
        relation((prefix, "all"), [(prefix, "col", j) for j in range(cols)])
    )
    return values, relations


# An independent oracle: Gaussian elimination over the rationals.


def rank(matrix):
    rows = [[Fraction(v) for v in row] for row in matrix]
    r = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col] / rows[r][col]
                rows[i] = [
                    a - factor * b for a, b in zip(rows[i], rows[r], strict=True)
                ]
        r += 1
    return r


def oracle_recoverable(published, relations):
    """Hidden cells whose value the published figures fix: e is fixed iff
    removing its column lowers the rank of the hidden cells' system."""
    hidden = [k for k, v in published.items() if v in (SMALL, HIDDEN)]
    matrix = []
    for rel in relations:
        row = [0] * len(hidden)
        for i, key in enumerate(hidden):
            if key == rel.total:
                row[i] += 1
            if key in rel.parts:
                row[i] -= 1
        matrix.append(row)
    full = rank(matrix)
    fixed = set()
    for i, key in enumerate(hidden):
        without = [row[:i] + row[i + 1 :] for row in matrix]
        if rank(without) < full:
            fixed.add(key)
    return fixed


# Hand-made tables.


def test_primary_suppression_hides_1_to_4_and_shows_zero():
    assert display(0, None) == 0
    values = {"a": 0, "b": 1, "c": 4, "d": 5, "e": 120}
    status = protect(values, [])
    assert status == {"b": PRIMARY, "c": PRIMARY}
    assert protected_table(values, []) == {
        "a": 0,
        "b": SMALL,
        "c": SMALL,
        "d": 5,
        "e": 120,
    }


def test_one_small_cell_in_a_row_hides_the_next_smallest_of_row_and_column():
    #        A   B   C | total
    # r0     3  10  20 |  33
    # r1    12   7  30 |  49
    values, relations = grid([[3, 10, 20], [12, 7, 30]])
    published = protected_table(values, relations)
    assert published[("c", 0, 0)] == SMALL
    # Row 0 alone would give it back (33 - 10 - 20): its smallest other cell
    # (10) is hidden too; column A likewise (15 - 12), and then the cells
    # that close the rectangle.
    assert published[("c", 0, 1)] == HIDDEN
    assert published[("c", 1, 0)] == HIDDEN
    assert published[("c", 1, 1)] == HIDDEN
    assert published[("c", 0, 2)] == 20 and published[("c", 1, 2)] == 30
    assert published[("c", "row", 0)] == 33 and published[("c", "all")] == 82
    assert recoverable(published, relations) == set()


def test_without_complementary_suppression_the_cell_would_be_recomputed():
    values, relations = grid([[3, 10, 20], [12, 7, 30]])
    only_primary = {k: (SMALL if k == ("c", 0, 0) else v) for k, v in values.items()}
    assert recoverable(only_primary, relations) == {("c", 0, 0)}
    assert oracle_recoverable(only_primary, relations) == {("c", 0, 0)}


def test_small_total_is_hidden_and_protected():
    # A region with 3 people in all: its total is small too.
    values, relations = grid([[2, 1], [40, 25]])
    published = protected_table(values, relations)
    assert published[("c", "row", 0)] == SMALL
    assert published[("c", 0, 0)] == SMALL and published[("c", 0, 1)] == SMALL
    # The column totals would give back row 0 from row 1: row 1 is hidden too.
    assert published[("c", 1, 0)] == HIDDEN or published[("c", 1, 1)] == HIDDEN
    assert recoverable(published, relations) == set()
    assert oracle_recoverable(published, relations) == set()


def test_bridge_between_two_groups_is_closed():
    """Every row and column has two hidden cells, yet the cell linking the two
    groups is fixed (a "bridge"): the exact check catches it."""
    hidden = {("c", 0, 0), ("c", 0, 1), ("c", 1, 0), ("c", 1, 1)}
    hidden |= {("c", 2, 2), ("c", 2, 3), ("c", 3, 2), ("c", 3, 3), ("c", 0, 2)}
    _values, relations = grid([[1] * 4 for _ in range(4)])
    fixed = determined(hidden, relations)
    assert ("c", 0, 2) in fixed
    matrix = [
        [2, 3, 3, 40],
        [3, 2, 50, 60],
        [70, 80, 2, 3],
        [90, 91, 3, 2],
    ]
    values, relations = grid(matrix)
    published = protected_table(values, relations)
    assert recoverable(published, relations) == set()
    assert oracle_recoverable(published, relations) == set()


def test_linked_tables_share_their_total():
    """The same grand total in two tables (by region, by sex): hiding must
    hold across both, not only in each."""
    region, r_rel = grid([[3, 40], [20, 37]], prefix="region")
    sex, s_rel = grid([[2, 50], [21, 27]], prefix="sex")
    values = {**region, **sex, "all": 100}
    relations = [
        *r_rel,
        *s_rel,
        relation("all", [("region", "all")]),
        relation("all", [("sex", "all")]),
    ]
    published = protected_table(values, relations)
    assert published[("region", 0, 0)] == SMALL and published[("sex", 0, 0)] == SMALL
    assert recoverable(published, relations) == set()
    assert oracle_recoverable(published, relations) == set()


def test_inconsistent_relations_are_refused():
    import pytest

    with pytest.raises(ValueError):
        protect({"t": 5, "a": 2, "b": 2}, [relation("t", ["a", "b"])])


def test_deterministic():
    values, relations = grid([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert protect(values, relations) == protect(dict(values), list(relations))


# Bounds: "<5" is 1 to 4, "x" is 0 or at least 5.


def test_two_small_cells_summing_to_two_are_not_left_alone():
    # Row: 1, 1, 30 | 32. Hiding the two 1s is enough for arithmetic (two
    # unknowns, one equation) but not with the bounds: both would be 1.
    values = {"t": 32, "a": 1, "b": 1, "c": 30}
    relations = [relation("t", ["a", "b", "c"])]
    published = protected_table(values, relations)
    assert published["a"] == published["b"] == SMALL
    assert published["c"] == HIDDEN  # so a + b + c = 32 leaves a, b free
    assert bounded_recoverable(published, values, relations) == set()


def test_small_and_complement_summing_to_six():
    # 1 and 5 in a row of total 26: a "<5" and an "x" summing to 6 are 1 and 5.
    values = {"t": 26, "a": 1, "b": 5, "c": 20}
    relations = [relation("t", ["a", "b", "c"])]
    published = protected_table(values, relations)
    assert published["a"] == SMALL and published["b"] == HIDDEN
    assert published["c"] == HIDDEN
    assert bounded_recoverable(published, values, relations) == set()


def bounded_recoverable(published, values, relations, limit=3):
    """Brute force, relation by relation (at most ``limit`` hidden parts):
    the "<5" cells that the bounds and a visible total pin to one value."""
    pinned = set()
    for rel in relations:
        if published[rel.total] in (SMALL, HIDDEN):
            continue
        hidden = [
            p for p in dict.fromkeys(rel.parts) if published[p] in (SMALL, HIDDEN)
        ]
        if not hidden or len(hidden) > limit:
            continue
        rest = values[rel.total] - sum(values[p] for p in rel.parts if p not in hidden)
        ranges = [
            range(1, 5) if published[p] == SMALL else [0, *range(5, rest + 1)]
            for p in hidden
        ]
        seen = {p: set() for p in hidden}
        for combo in itertools.product(*ranges):
            if sum(combo) == rest:
                for p, v in zip(hidden, combo, strict=True):
                    seen[p].add(v)
        pinned |= {p for p in hidden if published[p] == SMALL and len(seen[p]) == 1}
    return pinned


# Property: whatever the table, nothing hidden can be recomputed.

counts = st.one_of(
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=0, max_value=60),
)
matrices = st.integers(min_value=1, max_value=4).flatmap(
    lambda cols: st.lists(
        st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=5
    )
)


@settings(max_examples=150, deadline=None)
@given(matrices)
def test_no_hidden_cell_can_be_recovered(matrix):
    values, relations = grid(matrix)
    status = protect(values, relations)
    published = {k: display(v, status.get(k)) for k, v in values.items()}
    # Every small count is hidden; everything shown is exact.
    for key, value in values.items():
        if 1 <= value <= 4:
            assert published[key] == SMALL
        elif key not in status:
            assert published[key] == value
        else:
            assert status[key] == COMPLEMENTARY and published[key] == HIDDEN
    # Nothing hidden follows from the published figures (independent check).
    assert oracle_recoverable(published, relations) == set()
    # Nor, relation by relation, from the bounds.
    assert bounded_recoverable(published, values, relations) == set()


@settings(max_examples=60, deadline=None)
@given(matrices, matrices)
def test_no_hidden_cell_can_be_recovered_in_linked_tables(first, second):
    a, a_rel = grid(first, prefix="a")
    b, b_rel = grid(second, prefix="b")
    total_a, total_b = a[("a", "all")], b[("b", "all")]
    values = {**a, **b, "sum": total_a + total_b}
    relations = [*a_rel, *b_rel, relation("sum", [("a", "all"), ("b", "all")])]
    published = protected_table(values, relations)
    assert oracle_recoverable(published, relations) == set()


@settings(max_examples=200, deadline=None)
@given(
    matrices,
    matrices,
    st.lists(st.booleans(), min_size=64, max_size=64),
)
def test_determined_agrees_with_the_oracle_on_any_hidden_set(first, second, mask):
    """``determined`` (sparse elimination modulo a prime) finds exactly the
    hidden cells that rational elimination finds, for any set of hidden
    cells of two linked tables (not only the sets ``protect`` leaves)."""
    a, a_rel = grid(first, prefix="a")
    b, b_rel = grid(second, prefix="b")
    values = {**a, **b, "sum": a[("a", "all")] + b[("b", "all")]}
    relations = [*a_rel, *b_rel, relation("sum", [("a", "all"), ("b", "all")])]
    hidden = [key for key, hide in zip(values, mask * 2, strict=False) if hide]
    published = {k: HIDDEN if k in hidden else v for k, v in values.items()}
    assert determined(hidden, relations) == oracle_recoverable(published, relations)
