"""Aiken import/export (assessments.aiken)."""

import dataclasses
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.aiken import MAX_OPTIONS, export_aiken, parse_aiken
from assessments.gift import MAX_SOURCE_CHARS, export_gift, parse_gift
from assessments.interchange import Choice, InterchangeError, Question

D = Decimal
WS = " \t\n\r\0\x0b"

SAMPLE = """\
Quelle est la capitale du Mali ?
A. Mopti
B) Bamako
C. Kayes
ANSWER: B

Un conflit se prévient mieux
quand on écoute toutes les parties.
A. Vrai
B. Faux
ANSWER: A
"""


def error_lines(source):
    with pytest.raises(InterchangeError) as info:
        parse_aiken(source)
    errors = info.value.errors
    assert errors and all(
        isinstance(message, str) and message for _line, message in errors
    )
    return [line for line, _message in errors]


def test_parse_sample():
    first, second = parse_aiken(SAMPLE)
    assert first == Question(
        type="single",
        text="Quelle est la capitale du Mali ?",
        text_format="plain",
        choices=[Choice("Mopti", D(0)), Choice("Bamako", D(1)), Choice("Kayes", D(0))],
        line=1,
    )
    assert (
        second.text
        == "Un conflit se prévient mieux\nquand on écoute toutes les parties."
    )
    assert second.line == 7
    assert [c.fraction for c in second.choices] == [D(1), D(0)]


def test_crlf_bom_and_no_blank_lines():
    source = (
        "\ufeffQ1\r\nA. a\r\nB. b\r\nANSWER: A\r\nQ2\r\nA) x\r\nB) y\r\nANSWER: B\r\n"
    )
    questions = parse_aiken(source)
    assert [(q.text, q.line) for q in questions] == [("Q1", 1), ("Q2", 5)]
    assert questions[1].choices[1].fraction == 1


def test_round_trip():
    questions = parse_aiken(SAMPLE)[:1]
    exported = export_aiken(questions)
    assert (
        exported
        == "Quelle est la capitale du Mali ?\nA. Mopti\nB. Bamako\nC. Kayes\nANSWER: B\n"
    )
    assert [dataclasses.replace(q, line=0) for q in parse_aiken(exported)] == [
        dataclasses.replace(q, line=0) for q in questions
    ]


def test_aiken_questions_go_through_gift():
    questions = parse_aiken(SAMPLE)
    again = parse_gift(export_gift(questions))
    assert [dataclasses.replace(q, line=0) for q in again] == [
        dataclasses.replace(q, line=0) for q in questions
    ]


MALFORMED = [
    ("no ANSWER at the end", "Q\nA. a\nB. b\n", [1]),
    ("ANSWER out of range", "Q\nA. a\nB. b\nANSWER: C", [4]),
    ("ANSWER not a letter", "Q\nA. a\nB. b\nANSWER: Bamako", [4]),
    ("ANSWER empty", "Q\nA. a\nB. b\nANSWER:", [4]),
    ("option before any question", "A. a\nB. b\nANSWER: A", [1, 2, 3]),
    ("options out of order", "Q\nA. a\nC. c\nANSWER: A", [3]),
    ("one option only", "Q\nA. a\nANSWER: A", [3]),
    ("empty option", "Q\nA. a\nB.  \nANSWER: A", [3]),
    ("ANSWER without question", "\n\nANSWER: A", [3]),
    (
        "missing ANSWER before the next question",
        "Q1\nA. a\nB. b\nQ2\nA. c\nB. d\nANSWER: A\n\nQ3\nA. e\nB. f\nANSWER: B",
        [4],
    ),
    ("lower-case option", "Q\na) x\nb) y\nANSWER: A", [2]),
    ("control character", "Q\x07\nA. a\nB. b\nANSWER: A", [1]),
    ("binary junk", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [1, 1, 2, 3]),
]


@pytest.mark.parametrize(
    ("source", "lines"),
    [pytest.param(s, lines, id=name) for name, s, lines in MALFORMED],
)
def test_malformed_input_names_the_line(source, lines):
    assert error_lines(source) == lines


def test_one_bad_question_imports_nothing():
    assert error_lines(SAMPLE + "\nQ3\nA. a\nB. b\nANSWER: Z\n") == [16]


def test_huge_input():
    source = "Q\nA. a\nB. b\nANSWER: A\n\n" * (MAX_SOURCE_CHARS // 20)
    assert error_lines(source) == [source.count("\n", 0, MAX_SOURCE_CHARS) + 1]


def test_export_refuses_what_aiken_cannot_say():
    def single(text="Q", choices=None):
        return Question(
            type="single",
            text=text,
            choices=choices or [Choice("a", D(1)), Choice("b", D(0))],
        )

    letters = [Choice(f"option {i}", D(1 if i == 0 else 0)) for i in range(MAX_OPTIONS)]
    assert (
        export_aiken([single(choices=letters)]).count("\n") == MAX_OPTIONS + 2
    )  # A to Z is fine
    bad = [
        Question(
            type="multiple",
            text="Q",
            choices=[Choice("a", D("0.5")), Choice("b", D("0.5"))],
        ),
        Question(type="truefalse", text="Q", correct=True),
        single(choices=[*letters, Choice("one too many", D(0))]),
        single(choices=[Choice("a", D(1))]),
        single(text="Two\nlines"),
        single(text="A. looks like an option"),
        single(text="ANSWER: A"),
        single(text="  "),
        single(choices=[Choice("a", D(1)), Choice("b", D(1))]),
        single(choices=[Choice("a", D(1)), Choice("b", D("0.5"))]),
        single(choices=[Choice("a", D(1)), Choice("two\nlines", D(0))]),
        single(choices=[Choice("a", D(1)), Choice("", D(0))]),
    ]
    with pytest.raises(InterchangeError) as info:
        export_aiken([single(), *bad])
    assert [index for index, _message in info.value.errors] == list(
        range(2, len(bad) + 2)
    )


# Single-line texts that Aiken reads back as they are.
line_text = (
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(lambda s: s.strip(WS))
    .filter(lambda s: s and not s.startswith("ANSWER:"))
)


@st.composite
def aiken_questions(draw):
    options = draw(st.lists(line_text, min_size=2, max_size=MAX_OPTIONS))
    right = draw(st.integers(0, len(options) - 1))
    text = draw(line_text.filter(lambda s: not re.fullmatch(r"[A-Z][.)]([ \t].*)?", s)))
    return Question(
        type="single",
        text=text,
        text_format="plain",
        choices=[
            Choice(option, D(1 if i == right else 0))
            for i, option in enumerate(options)
        ],
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(aiken_questions(), min_size=1, max_size=5))
def test_export_then_import_gives_the_same_questions(questions):
    again = parse_aiken(export_aiken(questions))
    assert [dataclasses.replace(q, line=0) for q in again] == questions
