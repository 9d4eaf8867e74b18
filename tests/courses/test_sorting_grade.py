"""Grading of the sorting exercises on the server (connectors and dividers,
conflict tree): right, partly right, empty and tampered answers. The browser
tests drive the same form; these reach it without a browser."""

import pytest

from courses.blocks import SortingAnswerForm, SortingExerciseBlock

CONNECTORS = [
    ("Le marché hebdomadaire", "connector"),
    ("La rumeur sur les éleveurs", "divider"),
    ("Le puits partagé", "connector"),
]
TREE = [
    ("L'accès inégal à la terre", "root_cause"),
    ("Les affrontements entre villages", "core_problem"),
    ("Les familles déplacées", "effect"),
    ("La défiance envers les autorités", "root_cause"),
]


def exercise(kind, statements):
    return SortingExerciseBlock().to_python(
        {
            "kind": kind,
            "instructions": "<p>Classez.</p>",
            "statements": [
                {"text": text, "category": category, "explanation": f"Car {text}."}
                for text, category in statements
            ],
        }
    )


def answer(value, data, prefix="s0"):
    form = SortingAnswerForm(
        {f"{prefix}-{key}": category for key, category in data.items()},
        block_value=value,
        prefix=prefix,
    )
    return form


CASES = [("connectors_dividers", CONNECTORS), ("conflict_tree", TREE)]


@pytest.mark.parametrize(("kind", "statements"), CASES)
def test_all_right(kind, statements):
    value = exercise(kind, statements)
    form = answer(value, {i: c for i, (_t, c) in enumerate(statements)})
    assert form.is_valid(), form.errors
    assert form.score == (len(statements), len(statements))
    assert [r["correct"] for r in form.results] == [True] * len(statements)
    assert [r["text"] for r in form.results] == [t for t, _c in statements]
    assert [r["explanation"] for r in form.results] == [
        f"Car {t}." for t, _c in statements
    ]


def test_partly_right_connectors():
    value = exercise("connectors_dividers", CONNECTORS)
    form = answer(value, {0: "connector", 1: "connector", 2: "divider"})
    assert form.score == (1, 3)
    first, second, third = form.results
    assert first["correct"] and not second["correct"] and not third["correct"]
    assert (str(second["given_label"]), str(second["expected_label"])) == (
        "Connecteur",
        "Diviseur",
    )


def test_partly_right_conflict_tree():
    value = exercise("conflict_tree", TREE)
    given = {0: "root_cause", 1: "effect", 2: "core_problem", 3: "root_cause"}
    form = answer(value, given)
    assert form.score == (2, 4)
    assert [r["correct"] for r in form.results] == [True, False, False, True]
    assert [r["given"] for r in form.results] == list(given.values())


@pytest.mark.parametrize(("kind", "statements"), CASES)
def test_empty_or_incomplete_answers_are_not_graded(kind, statements):
    value = exercise(kind, statements)
    for data in ({}, {0: statements[0][1]}):
        form = answer(value, data)
        assert not form.is_valid()
        assert form.results is None and form.score == (0, 0)
        missing = [str(i) for i in range(len(statements)) if i not in data]
        assert sorted(form.errors) == missing
        assert all(
            form.errors[key] == ["Choisissez une réponse pour cet énoncé."]
            for key in missing
        )


@pytest.mark.parametrize(
    ("kind", "statements", "tampered"),
    [
        # A category of the other exercise, an unknown one, an empty one.
        ("connectors_dividers", CONNECTORS, "root_cause"),
        ("connectors_dividers", CONNECTORS, "connector'><script>"),
        ("conflict_tree", TREE, "divider"),
        ("conflict_tree", TREE, ""),
    ],
)
def test_tampered_answers_are_refused(kind, statements, tampered):
    value = exercise(kind, statements)
    data = {i: c for i, (_t, c) in enumerate(statements)}
    data[1] = tampered
    form = answer(value, data)
    assert not form.is_valid()
    assert list(form.errors) == ["1"]
    assert form.results is None


def test_extra_fields_are_ignored():
    value = exercise("connectors_dividers", CONNECTORS)
    data = {i: c for i, (_t, c) in enumerate(CONNECTORS)} | {7: "divider", -1: "x"}
    form = answer(value, data)
    assert form.is_valid()
    assert form.score == (3, 3)


def test_grade_on_its_own():
    """``grade`` with answers that did not go through the form: a missing or
    unknown answer is wrong, never an error."""
    value = exercise("conflict_tree", TREE)
    results = SortingExerciseBlock.grade(
        value, {0: "root_cause", 1: "nonsense", 3: "effect", 9: "effect"}
    )
    assert [(r["given"], r["correct"]) for r in results] == [
        ("root_cause", True),
        ("nonsense", False),
        (None, False),
        ("effect", False),
    ]
    assert [r["given_label"] for r in results][1:3] == [None, None]
    assert str(results[3]["expected_label"]) == "Cause profonde"
