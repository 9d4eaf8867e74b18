"""Scoring of every question type, with property tests for partial credit."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import normalise_text, parse_number, score_response

D = Decimal


def choices(*fractions):
    return [
        {"id": f"c{i}", "text": f"option {i}", "fraction": str(f), "feedback": ""}
        for i, f in enumerate(fractions)
    ]


def test_single_choice():
    snap = {"type": "single", "choices": choices(1, 0, "0.5")}
    assert score_response(snap, {"choice": "c0"}) == 1
    assert score_response(snap, {"choice": "c1"}) == 0
    assert score_response(snap, {"choice": "c2"}) == D("0.5")
    assert score_response(snap, {"choice": "nope"}) == 0
    assert score_response(snap, {}) == 0


def test_multiple_partial_and_negative():
    snap = {"type": "multiple", "choices": choices("0.5", "0.5", "-1", 0)}
    assert score_response(snap, {"choices": ["c0", "c1"]}) == 1
    assert score_response(snap, {"choices": ["c0"]}) == D("0.5")
    assert score_response(snap, {"choices": ["c0", "c2"]}) == 0  # never below 0
    assert score_response(snap, {"choices": ["c0", "c1", "c3"]}) == 1
    assert score_response(snap, {"choices": []}) == 0


def test_true_false():
    snap = {"type": "truefalse", "correct": False}
    assert score_response(snap, {"value": False}) == 1
    assert score_response(snap, {"value": True}) == 0
    assert score_response(snap, {"value": "false"}) == 0  # not a boolean


def test_short_answer_case_and_accent_insensitive_with_weights():
    snap = {
        "type": "short",
        "accepted": [
            {"text": "Tombouctou", "fraction": "1"},
            {"text": "Timbuktu", "fraction": "1"},
            {"text": "Mopti", "fraction": "0.25"},
        ],
    }
    for given_text in ("tombouctou", "  TOMBOUCTOU ", "Tombouctóu", "timbuktu"):
        assert score_response(snap, {"text": given_text}) == 1, given_text
    assert score_response(snap, {"text": "mopti"}) == D("0.25")
    assert score_response(snap, {"text": "Gao"}) == 0
    assert normalise_text("Ségou  Région") == "segou region"


def test_numerical_tolerance_range_and_commas():
    snap = {
        "type": "numerical",
        "numeric": [
            {
                "value": "3.14",
                "tolerance": "0.01",
                "min": None,
                "max": None,
                "fraction": "1",
            },
            {
                "value": None,
                "tolerance": "0",
                "min": "3",
                "max": "4",
                "fraction": "0.5",
            },
        ],
    }
    assert score_response(snap, {"value": "3,14"}) == 1
    assert score_response(snap, {"value": "3.15"}) == 1
    assert score_response(snap, {"value": "3.5"}) == D("0.5")
    assert score_response(snap, {"value": "5"}) == 0
    assert score_response(snap, {"value": "abc"}) == 0
    assert score_response(snap, {"value": "NaN"}) == 0
    assert parse_number(" 1 000,5 ") == D("1000.5")


def test_matching_partial():
    snap = {
        "type": "matching",
        "pairs": [
            {"id": "p1", "prompt": "Mopti", "answer": "Delta intérieur du Niger"},
            {"id": "p2", "prompt": "Tombouctou", "answer": "Manuscrits"},
        ],
    }
    assert (
        score_response(
            snap, {"matches": {"p1": "Delta intérieur du Niger", "p2": "Manuscrits"}}
        )
        == 1
    )
    assert score_response(
        snap, {"matches": {"p1": "Delta intérieur du Niger", "p2": "x"}}
    ) == D("0.5")
    assert score_response(snap, {"matches": "garbage"}) == 0


def test_ordering_partial():
    snap = {
        "type": "ordering",
        "items": [
            {"id": "a", "text": "1"},
            {"id": "b", "text": "2"},
            {"id": "c", "text": "3"},
        ],
    }
    assert score_response(snap, {"order": ["a", "b", "c"]}) == 1
    assert score_response(snap, {"order": ["a", "c", "b"]}) == D(1) / D(3)
    assert score_response(snap, {"order": ["a", "b"]}) == 0  # incomplete
    assert score_response(snap, {"order": ["a", "a", "b"]}) == 0


def test_unknown_type_and_malformed_never_raise():
    assert score_response({"type": "essay"}, {"text": "x"}) == 0
    assert score_response({"type": "single"}, {"choice": "c0"}) == 0
    assert score_response({"type": "single", "choices": choices(1)}, None) == 0
    assert (
        score_response({"type": "multiple", "choices": choices(1)}, {"choices": 5}) == 0
    )


weights = st.decimals(
    min_value=-1, max_value=1, places=3, allow_nan=False, allow_infinity=False
)


@given(st.lists(weights, min_size=1, max_size=8), st.data())
def test_multiple_choice_score_is_bounded(fractions, data):
    snap = {"type": "multiple", "choices": choices(*fractions)}
    ids = [c["id"] for c in snap["choices"]]
    picked = data.draw(st.lists(st.sampled_from(ids), unique=True))
    score = score_response(snap, {"choices": picked})
    assert D(0) <= score <= D(1)
    positive = sum((f for f in fractions if f > 0), D(0))
    assert score <= max(positive, D(0))


@given(st.lists(weights, min_size=1, max_size=8), st.data())
def test_ticking_more_right_answers_never_lowers_the_score(fractions, data):
    snap = {"type": "multiple", "choices": choices(*fractions)}
    ids = [c["id"] for c in snap["choices"]]
    picked = data.draw(st.lists(st.sampled_from(ids), unique=True))
    extra = [
        c["id"]
        for c in snap["choices"]
        if D(c["fraction"]) > 0 and c["id"] not in picked
    ]
    before = score_response(snap, {"choices": picked})
    after = score_response(snap, {"choices": picked + extra})
    assert after >= before


@given(st.text(max_size=40))
def test_short_answer_is_bounded_for_any_text(text):
    snap = {"type": "short", "accepted": [{"text": "Gao", "fraction": "1"}]}
    assert score_response(snap, {"text": text}) in (D(0), D(1))


# A short answer with accents and two words; how people may type it.
ANSWER = "Ségou Koro"
SHORT = {
    "type": "short",
    "accepted": [
        {"text": ANSWER, "fraction": "1"},
        {"text": "Ségou", "fraction": "0.5"},
    ],
}
LETTER = {"S": "sS", "é": ["é", "É", "e", "E", "e\u0301", "E\u0301"], "g": "gG",
          "o": "oO", "u": "uU", "K": "kK", "r": "rR"}  # fmt: skip
SPACE = st.text(alphabet=" \t\u00a0\u2003", min_size=1, max_size=3)
EDGE = st.text(alphabet=" \t\n\u00a0", max_size=3)


@st.composite
def variants(draw):
    """The answer in any case, with or without its accent (composed or not),
    any spacing between and around the words."""
    words = [
        "".join(draw(st.sampled_from(list(LETTER[c]))) for c in word)
        for word in ANSWER.split()
    ]
    return draw(EDGE) + draw(SPACE).join(words) + draw(EDGE)


@st.composite
def near_misses(draw):
    """One letter changed, missing or added, or the words run together."""
    letters = list(normalise_text(ANSWER))
    positions = [i for i, c in enumerate(letters) if c != " "]
    kind = draw(st.sampled_from(["change", "drop", "add", "join"]))
    if kind == "join":
        return ANSWER.replace(" ", "")
    i = draw(st.sampled_from(positions))
    if kind == "drop":
        del letters[i]
    else:
        other = draw(st.sampled_from("abcdfhijklmnpqrstvwxyz"))
        if kind == "change":
            letters[i] = other if other != letters[i] else "z"
        else:
            letters.insert(i, other)
    return "".join(letters)


@given(variants())
def test_short_answer_variants_get_full_marks(text):
    assert score_response(SHORT, {"text": text}) == D(1)


@given(near_misses())
def test_short_answer_near_misses_get_nothing(text):
    assert score_response(SHORT, {"text": text}) == D(0)


def test_short_answer_partial_credit_and_empty():
    assert score_response(SHORT, {"text": " segou "}) == D("0.5")
    assert score_response(SHORT, {"text": "   "}) == D(0)
    assert score_response(SHORT, {}) == D(0)
