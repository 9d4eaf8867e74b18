"""GIFT import/export (assessments.gift), checked against Moodle's own example
file and against malformed, hostile and generated input."""

import dataclasses
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.gift import (
    BLANK,
    FORMATS,
    MAX_ERRORS,
    MAX_SOURCE_CHARS,
    escape_gift,
    export_gift,
    parse_gift,
)
from assessments.interchange import (
    Choice,
    InterchangeError,
    NumericAnswer,
    Pair,
    Question,
    ShortAnswer,
)
from tests import corpora

WS = " \t\n\r\0\x0b"  # what the parser trims (PHP's trim)


@pytest.fixture(scope="module")
def corpus():
    return corpora.gift_examples()


def parse_one(source):
    questions = parse_gift(source)
    assert len(questions) == 1, questions
    return questions[0]


def error_lines(source):
    with pytest.raises(InterchangeError) as info:
        parse_gift(source)
    errors = info.value.errors
    assert errors and all(
        isinstance(message, str) and message for _line, message in errors
    )
    return [line for line, _message in errors]


def without_lines(questions):
    return [dataclasses.replace(q, line=0) for q in questions]


D = Decimal

# ------------------------------------------------------------------ corpus

# Every question of Moodle's examples.txt, counted by hand: (first line, type,
# missing word). Comment-only blocks are not questions. A block followed by
# anything, even a full stop, is a "missing word" question (Moodle's rule).
CORPUS_QUESTIONS = [
    (8, "single", False),
    (10, "single", True),
    (12, "truefalse", False),
    (14, "short", False),
    (16, "numerical", False),
    (25, "single", False),
    (27, "single", True),
    (29, "single", True),
    (35, "single", False),
    (43, "short", False),
    (45, "short", True),  # Two plus two equals {=four =4}.
    (49, "truefalse", False),
    (51, "truefalse", False),
    (55, "matching", False),
    (61, "matching", False),
    (70, "numerical", False),
    (72, "numerical", True),  # {#3.1415:0.0005}.
    (74, "numerical", True),  # {#3.141..3.142}.
    (76, "numerical", False),
    (85, "numerical", False),  # after a comment line
    (90, "short", False),  # {=China}: one "=" answer, no "~": short answer
    (93, "single", True),
    (98, "single", False),
    (103, "short", False),
    (108, "short", False),  # [markdown]
    (113, "truefalse", False),
    (115, "single", False),  # "=" present: single answer with a 50% answer
    (117, "single", True),
    (123, "short", False),
    (130, "multiple", False),  # no "=": checkboxes, 50% + 50%
    (136, "multiple", False),
    (143, "single", False),
    (148, "single", False),
    (167, "single", False),
    (169, "single", True),
    (171, "truefalse", False),
    (173, "short", False),
    (175, "numerical", False),
    (177, "matching", False),
    (184, "single", True),
    (190, "single", False),
    (195, "short", True),
    (202, "numerical", False),
]


def test_corpus_imports_every_question(corpus):
    questions = parse_gift(corpus)
    assert len(questions) == 43
    assert [(q.line, q.type, q.missing_word) for q in questions] == CORPUS_QUESTIONS
    counts = {}
    for q in questions:
        counts[q.type] = counts.get(q.type, 0) + 1
    assert counts == {
        "single": 16,
        "multiple": 2,
        "truefalse": 5,
        "short": 9,
        "numerical": 8,
        "matching": 3,
    }
    assert all(q.category == "" and q.text for q in questions)


def test_corpus_details(corpus):
    q = {question.line: question for question in parse_gift(corpus)}

    assert q[8].text == "Who's buried in Grant's tomb?"
    assert q[8].choices == [
        Choice("Grant", D(0)),
        Choice("Jefferson", D(0)),
        Choice("no one", D(1)),
    ]

    # Missing word: the block becomes "_____".
    assert q[10].text == "Grant is _____ in Grant's tomb."
    assert (
        q[29].text
        == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    assert [c.text for c in q[29].choices] == ["second", "third", "fourth"]
    assert q[45].text == "Two plus two equals _____."
    assert q[72].text == "What is the value of pi (to 3 decimal places)? _____."

    assert (q[12].correct, q[49].correct, q[51].correct) == (False, False, True)
    assert q[14].short_answers == [ShortAnswer("no one"), ShortAnswer("nobody")]
    assert q[16].numeric_answers == [NumericAnswer(value=D(1822), tolerance=D(1))]

    assert q[61].pairs == [
        Pair("Canada", "Ottawa"),
        Pair("Italy", "Rome"),
        Pair("Japan", "Tokyo"),
        Pair("India", "New Delhi"),
    ]
    assert q[177].pairs[0] == Pair("Canada", "Ottawa")  # "=Canada->Ottawa"
    assert (
        q[177].text
        == "Match the following countries with their corresponding\ncapitals."
    )

    assert q[72].numeric_answers == [
        NumericAnswer(value=D("3.1415"), tolerance=D("0.0005"))
    ]
    assert q[74].numeric_answers == [
        NumericAnswer(minimum=D("3.141"), maximum=D("3.142"))
    ]
    assert q[76].numeric_answers == [
        NumericAnswer(value=D(1822), tolerance=D(0)),
        NumericAnswer(value=D(1822), tolerance=D(2), fraction=D("0.5")),
    ]

    assert q[90].name == "Kanji Origins"
    assert q[90].text == "Japanese characters originally\ncame from what country?"
    assert q[90].short_answers == [ShortAnswer("China")]
    assert q[93].name == "Thanksgiving Date"

    assert q[98].choices[0] == Choice(
        "wrong answer", D(0), "feedback comment on the wrong answer"
    )
    assert q[98].choices[2] == Choice("right answer", D(1), "Very good!")

    assert q[108].text_format == "markdown"
    assert q[108].text == "Who's buried in **Grant's tomb**?"
    assert q[103].text_format == "moodle"

    # {FALSE#feedback}: the first feedback is for a wrong answer, here "true".
    assert q[113].correct is False
    assert q[113].feedback_true == "No one is buried in Grant's tomb."
    assert q[113].feedback_false == ""

    assert [c.fraction for c in q[115].choices] == [D(0), D("0.5"), D(1)]
    assert q[117].name == "Jesus' hometown"
    assert q[117].text == "Jesus Christ was from _____."
    assert q[117].choices[1] == Choice(
        "Bethlehem", D("0.25"), "He was born here, but not raised here."
    )
    assert q[123].text == "Jesus Christ was from"
    assert q[123].short_answers[1] == ShortAnswer(
        "Nazereth", D("0.75"), "Right, but misspelled."
    )

    assert [c.fraction for c in q[130].choices] == [D(0), D("0.5"), D("0.5"), D(0)]
    assert [c.fraction for c in q[136].choices] == [
        D("-0.5"),
        D("0.5"),
        D("0.5"),
        D("-0.5"),
    ]

    # Escaped control characters.
    assert [c.text for c in q[143].choices] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert [c.fraction for c in q[143].choices] == [D(0), D(1), D(0)]
    control = q[148]
    assert control.name == "GIFT Control Characters"
    assert (
        control.text
        == "Which of the following is NOT a control character for the GIFT import format?"
    )
    assert [c.text for c in control.choices] == ["~", "=", "#", "{", "}", "\\"]
    assert control.choices[0].feedback == "~ is a control character."
    assert control.choices[5].fraction == 1
    assert control.choices[5].feedback == (
        "Correct! \\ (backslash) is not a control character. BUT,\n"
        "it is used to escape the control characters. So, to specify\n"
        "a literal backslash, you must escape it with a backslash\n"
        "(as shown in this example)."
    )

    assert q[184].name == "Grant's Tomb"
    assert q[184].choices[1] == Choice("entombed", D(1), "Right answer!")
    assert q[190].choices[1] == Choice(
        "half credit answer", D("0.5"), "comment on answer"
    )
    assert q[195].name == "Jesus' hometown (Short answer ex.)"
    assert q[202].name == "Numerical example"
    assert q[202].numeric_answers == [
        NumericAnswer(value=D(1822), fraction=D(1), feedback="Correct! 100% credit"),
        NumericAnswer(
            value=D(1822),
            tolerance=D(2),
            fraction=D("0.5"),
            feedback="He was born in 1822.\nYou get 50% credit for being close.",
        ),
    ]


def test_corpus_round_trip(corpus):
    questions = parse_gift(corpus)
    exported = export_gift(questions)
    again = parse_gift(exported)
    assert without_lines(again) == without_lines(questions)
    # Stable: exporting again gives the same file.
    assert export_gift(again) == exported


# ------------------------------------------------------------------ features


def test_separation_comments_and_lines():
    source = (
        "// heading\n"
        "\n"
        "First {T}\n"
        "\n\n"
        "// comment before\n"
        "Second\n"
        "// a comment inside the question\n"
        "line {F}\n"
    )
    first, second = parse_gift(source)
    assert (first.line, first.text, first.correct) == (3, "First", True)
    assert (second.line, second.text, second.correct) == (7, "Second\nline", False)


def test_windows_line_endings_and_bom():
    first, second = parse_gift("\ufeffOne {T}\r\n\r\nTwo {F}\r\n")
    assert (first.text, first.line, second.text, second.line) == ("One", 1, "Two", 3)


def test_title_and_formats():
    q = parse_one(
        "::Ma question::[html]<p>Quelle est la <b>capitale</b> ?</p>{=Bamako}"
    )
    assert (q.name, q.text_format, q.text) == (
        "Ma question",
        "html",
        "<p>Quelle est la <b>capitale</b> ?</p>",
    )
    for fmt in FORMATS:
        assert parse_one(f"[{fmt}]Q {{T}}").text_format == fmt
    # A format prefix on answers and feedback is dropped (Moodle keeps it
    # as that answer's format).
    q = parse_one("Q {=[html]<b>a</b>#[html]<i>yes</i> ~[plain]b}")
    assert q.choices[0] == Choice("<b>a</b>", D(1), "<i>yes</i>")
    # "[...]" that is not a format word stays in the text; after a real
    # prefix anything goes.
    assert parse_one("[1] first point {T}").text == "[1] first point"
    assert parse_one("[moodle][Optional] Q {T}").text == "[Optional] Q"


def test_escapes():
    q = parse_one(
        r"::a\:b:: 1 \~ 2 \= 3 \# 4 \{ 5 \} 6 \\ 7 \n 8 \x {=a\=b#c\#d ~e\~f}"
    )
    assert q.name == "a:b"
    assert q.text == "1 ~ 2 = 3 # 4 { 5 } 6 \\ 7 \n 8 \\x"
    assert q.choices == [Choice("a=b", D(1), "c#d"), Choice("e~f", D(0))]
    # "\\~": an escaped backslash, then a real "~".
    assert [c.text for c in parse_one(r"Q {=a\\ ~b}").choices] == ["a\\", "b"]


def test_categories():
    source = "A {T}\n\n$CATEGORY: $course$/top/Règles\n\nB {T}\n$CATEGORY: Autre\nC {T}\n\nD {F}"
    assert [(q.text, q.category) for q in parse_gift(source)] == [
        ("A", ""),
        ("B", "$course$/top/Règles"),
        ("C", "Autre"),
        ("D", "Autre"),
    ]
    exported = export_gift(parse_gift(source))
    assert exported.count("$CATEGORY:") == 2
    assert [q.category for q in parse_gift(exported)] == [
        "",
        "$course$/top/Règles",
        "Autre",
        "Autre",
    ]


def test_general_feedback():
    q = parse_one("Q {=a ~b ####Because.}")
    assert (q.general_feedback, len(q.choices)) == ("Because.", 2)
    q = parse_one("Essay {####Model answer}")
    assert (q.type, q.general_feedback) == ("essay", "Model answer")
    assert parse_one("TF {T#no#yes####general}").general_feedback == "general"


def test_true_false_feedback():
    # {T#shown when answered wrongly#shown when answered rightly}
    q = parse_one("Le Niger traverse Bamako. {T#Si, il la traverse.#Oui.}")
    assert (q.correct, q.feedback_true, q.feedback_false) == (
        True,
        "Oui.",
        "Si, il la traverse.",
    )
    q = parse_one("Mopti est au sud. {FALSE#Non, au centre.#Exact.}")
    assert (q.correct, q.feedback_true, q.feedback_false) == (
        False,
        "Non, au centre.",
        "Exact.",
    )
    for value, correct in [
        ("T", True),
        ("TRUE", True),
        ("F", False),
        ("FALSE", False),
        ("true", True),
    ]:
        assert parse_one(f"Q {{{value}}}").correct is correct


def test_essay_and_description():
    q = parse_one("Décrivez la situation. {}")
    assert (q.type, q.text) == ("essay", "Décrivez la situation.")
    assert parse_one("Q { }").type == "essay"
    q = parse_one("::Intro::Lisez le cas suivant.")
    assert (q.type, q.name, q.text) == ("description", "Intro", "Lisez le cas suivant.")


def test_multiple_choice_kinds():
    q = parse_one("Q {~%50%a ~%50%b ~%-100%c}")
    assert q.type == "multiple"
    assert [c.fraction for c in q.choices] == [D("0.5"), D("0.5"), D(-1)]
    q = parse_one("Q {~%33.333%a ~%33.333%b ~%33.333%c ~d}")  # 99.999% ≈ 100%
    assert q.type == "multiple" and q.choices[0].fraction == D("0.33333")
    assert parse_one("Q {=a ~%50%b ~c}").type == "single"
    assert parse_one("Q {=a =b ~c}").type == "single"
    assert parse_one("Q {~%100%a ~b}").type == "multiple"


def test_short_answers():
    q = parse_one("Capitale du Mali ? {=Bamako#Oui =%50%bamako =%0%Mopti#Non}")
    assert q.short_answers == [
        ShortAnswer("Bamako", D(1), "Oui"),
        ShortAnswer("bamako", D("0.5")),
        ShortAnswer("Mopti", D(0), "Non"),
    ]


def test_numerical_forms():
    assert parse_one("Q {#-2.5e3}").numeric_answers == [NumericAnswer(value=D("-2500"))]
    assert parse_one("Q {#1..5}").numeric_answers == [
        NumericAnswer(minimum=D(1), maximum=D(5))
    ]
    q = parse_one("Année ? {# =2030:0#Oui =%50%2029:1#Presque ~Non}")
    assert q.numeric_answers == [
        NumericAnswer(value=D(2030), feedback="Oui"),
        NumericAnswer(
            value=D(2029), tolerance=D(1), fraction=D("0.5"), feedback="Presque"
        ),
        NumericAnswer(fraction=D(0), feedback="Non"),  # any other answer
    ]
    assert parse_one("Q {#=4 =%0%*#Non}").numeric_answers[1] == NumericAnswer(
        fraction=D(0), feedback="Non"
    )


def test_matching_with_distractor():
    q = parse_one("Associez. {=Bamako -> Mali =Niamey -> Niger = -> Sénégal ####Bravo}")
    assert q.pairs == [
        Pair("Bamako", "Mali"),
        Pair("Niamey", "Niger"),
        Pair("", "Sénégal"),
    ]
    assert q.general_feedback == "Bravo"
    # The match may itself contain "->".
    assert parse_one("Q {=a -> b->c =d -> e}").pairs[0] == Pair("a", "b->c")


def test_missing_word_everywhere():
    q = parse_one("Le fleuve {=Niger} traverse Bamako.")
    assert (q.type, q.text, q.missing_word) == (
        "short",
        "Le fleuve _____ traverse Bamako.",
        True,
    )
    q = parse_one("{T} est vrai.")
    assert (q.text, q.missing_word) == ("_____ est vrai.", True)
    q = parse_one("Le fleuve ? {=Niger}")
    assert (q.text, q.missing_word) == ("Le fleuve ?", False)
    # Only an escaped line break after the block: not a missing word.
    assert parse_one("Le fleuve ? {=Niger}\\n").missing_word is False
    exported = export_gift([parse_one("Le fleuve {=Niger} traverse Bamako.")])
    assert "Le fleuve {" in exported and "} traverse Bamako." in exported


def test_export_writes_moodle_syntax():
    questions = [
        Question(
            type="single",
            text="Q ~ {x}",
            name="Titre: 1",
            choices=[
                Choice("=a", D(1), "#ok"),
                Choice("%b", D(0)),
                Choice("[c]", D("-0.5")),
            ],
            general_feedback="fin",
        ),
        Question(type="truefalse", text="T", correct=True, feedback_false="non"),
        Question(
            type="numerical",
            text="N",
            numeric_answers=[NumericAnswer(value=D("1.5"), tolerance=D("0.1"))],
        ),
        Question(
            type="matching",
            text="M",
            pairs=[Pair("a", "b"), Pair("c", "d")],
            text_format="html",
        ),
    ]
    exported = export_gift(questions)
    assert exported == (
        "::Titre\\: 1::[moodle]Q \\~ \\{x\\}{\n\t=\\=a#\\#ok\n\t~[moodle]%b\n\t~%-50%[moodle][c]\n\t####fin\n}\n\n"
        "[moodle]T{TRUE#non}\n\n"
        "[moodle]N{#\n\t=1.5:0.1\n}\n\n"
        "[html]M{\n\t=a -> b\n\t=c -> d\n}\n"
    )
    assert without_lines(parse_gift(exported)) == questions


def test_export_single_with_only_right_answers_stays_single():
    question = Question(
        type="single", text="Q", choices=[Choice("a", D(1)), Choice("b", D(1))]
    )
    assert without_lines(parse_gift(export_gift([question]))) == [question]


def test_export_refuses_what_gift_cannot_say():
    good = Question(type="truefalse", text="ok", correct=True)
    bad = [
        Question(type="short", text="Q", short_answers=[ShortAnswer("a->b")]),
        Question(type="matching", text="Q", pairs=[Pair("x->y", "z"), Pair("a", "b")]),
        Question(
            type="single", text="Q", choices=[Choice("a", D("0.5")), Choice("b", D(0))]
        ),
        Question(
            type="multiple",
            text="Q",
            choices=[Choice("a", D("0.5")), Choice("b", D(0))],
        ),
        Question(type="truefalse", text="Q"),
        Question(type="essay", text=""),
        Question(type="description", text="Q", general_feedback="x"),
        Question(type="poll", text="Q"),
        Question(type="essay", text="Q", text_format="rtf"),
        Question(
            type="numerical",
            text="Q",
            numeric_answers=[NumericAnswer(value=D(1), minimum=D(0))],
        ),
        Question(type="essay", text="bell \x07"),
    ]
    with pytest.raises(InterchangeError) as info:
        export_gift([good, *bad])
    assert sorted({index for index, _message in info.value.errors}) == list(
        range(2, len(bad) + 2)
    )


# ------------------------------------------------------------------ malformed

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

MALFORMED = [
    # (description, source, lines of the errors)
    ("unclosed {", "Good {T}\n\nWho?\n{\n=a\n~b", [4]),
    ("unclosed { before a blank line", "Who? {=a\n\n~b}", [1, 3]),
    ("lone }", "Good {T}\n\nWhat } is this", [3]),
    ("} before {", "a } b {T}", [1]),
    ("nested {", "Q1 {=a ~b\nQ2 {=c ~d}", [2]),
    ("two blocks: missing blank line", "Q1 {T}\nQ2 {F}", [2]),
    ("title not closed", "::Titre sans fin Q {T}", [1]),
    ("matching with one pair", "Q {\n=a -> b\n}", [1]),
    ("matching pair without ->", "Q {\n=a -> b\n=c d\n=e -> f\n}", [3]),
    ("matching pair with empty match", "Q {=a -> b =c -> }", [1]),
    ("numeric: not a number", "Q {#abc}", [1]),
    ("numeric: decimal comma", "Q {#3,14}", [1]),
    ("numeric: exponent too big", "Q {#1e99999999999999999999}", [1]),
    ("numeric: bad tolerance", "Q {#\n=5:x\n}", [2]),
    ("numeric: range upside down", "Q {#5..1}", [1]),
    ("numeric: negative tolerance", "Q {#5:-1}", [1]),
    ("numeric: no answer", "Q {#}", [1]),
    ("numeric: no 100%", "Q {#=%50%5}", [1]),
    ("multiple choice without a right answer", "Q {\n~a\n~b\n}", [1]),
    ("multiple weights not adding up", "Q {~%50%a ~%20%b ~c}", [1]),
    ("multiple weights above 100", "Q {~%75%a ~%75%b ~c}", [1]),
    ("weight out of range", "Q {\n=a\n~%150%b\n}", [3]),
    ("= with a weight", "Q {\n~a\n=%50%b\n}", [3]),
    ("only one choice", "Q {~a}", [1]),
    ("empty choice", "Q {\n=a\n~\n}", [3]),
    ("text before the first answer", "Q {a ~b =c}", [1]),
    ("short answer without 100%", "Q {=%50%a =%25%b}", [1]),
    ("short answer empty", "Q {=}", [1]),
    ("true/false invalid", "Q {Tru}", [1]),
    ("true/false with a stray word", "Q {TRUE FALSE}", [1]),
    ("unrecognised block", "Q {yes}", [1]),
    ("empty question text", "::Titre::{T}", [1]),
    ("empty question text, block only", "{=a ~b}", [1]),
    ("title only", "::Titre::", [1]),
    ("unknown format", "[HTML]Q {T}", [1]),
    ("unknown format, lower case", "\n\n[latex]$x$ {T}", [3]),
    ("control character", "Q\x00 {T}", [1]),
    ("binary junk", PNG.decode("latin-1"), None),
]


@pytest.mark.parametrize(
    ("source", "lines"),
    [pytest.param(s, lines, id=name) for name, s, lines in MALFORMED],
)
def test_malformed_input_names_the_line(source, lines):
    found = error_lines(source)
    if lines is not None:
        assert found == lines
    else:
        assert found[0] == 1


def test_binary_junk_from_pillow():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, format="PNG")
    assert error_lines(buffer.getvalue().decode("latin-1"))[0] == 1


def test_one_bad_question_imports_nothing():
    source = "Good {T}\n\nAlso good {=a ~b}\n\nBad {~a ~b}\n\nGood again {F}"
    assert error_lines(source) == [5]


def test_every_error_is_reported():
    source = "A {T}\n\nB {yes}\n\nC {#x}\n\nD {=a -> b}\n\n{T}\n\nE {\n=a"
    assert error_lines(source) == [3, 5, 7, 9, 11]


def test_error_messages_do_not_repeat_the_line():
    with pytest.raises(InterchangeError) as info:
        parse_gift("\n\n\nQ {=a -> b}")
    [(line, message)] = info.value.errors
    assert line == 4 and "4" not in message
    assert str(info.value).startswith("4: ")


def test_too_many_errors_stops():
    with pytest.raises(InterchangeError) as info:
        parse_gift("Q {yes}\n\n" * 500)
    assert len(info.value.errors) == MAX_ERRORS + 1


def test_huge_input_is_refused_with_its_line():
    question = "Q {T}\n\n"
    source = question * (MAX_SOURCE_CHARS // len(question) + 10)
    expected_line = source.count("\n", 0, MAX_SOURCE_CHARS) + 1
    assert error_lines(source) == [expected_line]
    assert error_lines("x" * (MAX_SOURCE_CHARS + 1)) == [1]


def test_large_valid_input_is_parsed():
    source = "".join(f"::Q{i}::Question {i} ? {{=a ~b ~c}}\n\n" for i in range(20_000))
    assert len(source) < MAX_SOURCE_CHARS
    questions = parse_gift(source)
    assert len(questions) == 20_000 and questions[-1].line == 39_999


def test_pathological_braces_are_fast():
    assert error_lines("{" * 1_000_000) == [1]
    # An empty last choice, and no right answer.
    assert error_lines("Q {~" + "a~" * 300_000 + "}") == [1, 1]


# ------------------------------------------------------------------ naughty strings


def test_naughty_strings_as_question_texts():
    lines = corpora.naughty_lines()
    assert len(lines) > 700
    imported = 0
    for line in lines:
        source = "::q:: " + escape_gift(line) + " {T}"
        try:
            question = parse_one(source)
        except InterchangeError as error:
            assert error.errors and all(
                number == 1 for number, _message in error.errors
            )
            expected_failure = (
                not line.strip(WS)
                or line.lstrip(WS).startswith("[")
                or any(ord(c) < 32 and c != "\t" or 127 <= ord(c) < 160 for c in line)
            )
            assert expected_failure, (line, error.errors)
            continue
        imported += 1
        assert question.type == "truefalse" and question.name == "q"
        if not line.lstrip(WS).startswith("["):
            assert question.text == line.strip(WS)
    assert imported > 500


def test_naughty_strings_round_trip_everywhere():
    questions = []
    for line in corpora.naughty_lines():
        text = line.strip(WS)
        if not text or any(
            ord(c) < 32 and c != "\t" or 127 <= ord(c) < 160 for c in text
        ):
            continue
        questions.append(
            Question(
                type="single",
                text=text,
                name=text,
                category=text,
                general_feedback=text,
                choices=[Choice(text, D(1), text), Choice("autre", D(0))],
            )
        )
    assert without_lines(parse_gift(export_gift(questions))) == questions


def test_naughty_strings_as_whole_files():
    """Each line of the list, given alone as a file: it either imports and
    comes back identical through export, or is refused with every error on a
    line of that file (a message, never an exception of another kind)."""
    imported = refused = 0
    for line in corpora.naughty_lines():
        try:
            questions = parse_gift(line)
        except InterchangeError as error:
            refused += 1
            last = line.count("\n") + line.count("\r") + 1
            assert error.errors, line
            for number, message in error.errors:
                assert 1 <= number <= last, (line, error.errors)
                assert isinstance(message, str) and message.strip(), (line, message)
        else:
            imported += len(questions)
            assert without_lines(parse_gift(export_gift(questions))) == without_lines(
                questions
            ), line
    # Both outcomes occur: the loop is not vacuously checking one branch.
    assert imported > 0 and refused > 0, (imported, refused)


# ------------------------------------------------------------------ property

SPECIAL = ["~", "=", "#", "{", "}", ":", "\\", "[", "]", "%", "->", "-", ">", "_____", "####", "//", "\\n",
           "$CATEGORY:", "[html]", "[Word]", "%50%", "::", "*", "..", " ", "\n", "\t", "T", "é", "\u2028", "ߒ"]  # fmt: skip
chars = st.characters(exclude_categories=("Cs", "Cc"))
piece = st.one_of(st.sampled_from(SPECIAL), st.text(chars, max_size=3))


def texts(min_size=1, arrows=True):
    strategy = st.lists(piece, max_size=6).map("".join).map(lambda s: s.strip(WS))
    strategy = strategy.filter(lambda s: len(s) >= min_size)
    return strategy if arrows else strategy.filter(lambda s: "->" not in s)


fractions = st.sampled_from(
    [D(0), D(1), D("0.5"), D("-0.5"), D("0.25"), D(-1), D("0.33333"), D("0.1")]
)
numbers = st.decimals(
    min_value=-(10**6), max_value=10**6, places=4, allow_nan=False, allow_infinity=False
)
tolerances = st.decimals(
    min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False
)
MULTIPLE_WEIGHTS = [
    [D(1), D(0)],
    [D("0.5"), D("0.5"), D(0)],
    [D("0.5"), D("0.5"), D(-1)],
    [D("0.33333"), D("0.33333"), D("0.33333"), D("-0.5")],
    [D("0.25"), D("0.75"), D("-0.25"), D(0)],
]


@st.composite
def questions(draw):
    kind = draw(
        st.sampled_from(
            [
                "single",
                "multiple",
                "truefalse",
                "short",
                "numerical",
                "matching",
                "essay",
                "description",
            ]
        )
    )
    q = Question(
        type=kind,
        text=draw(texts()),
        name=draw(texts(0)),
        category=draw(st.one_of(st.sampled_from(["", "Défaut", "a/b"]), texts(0))),
        text_format=draw(st.sampled_from(FORMATS)),
        general_feedback="" if kind == "description" else draw(texts(0)),
    )
    if kind != "description" and draw(st.booleans()):
        q.text = draw(texts(0)) + BLANK + draw(texts(1))
        q.missing_word = True
    if kind == "single":
        q.choices = [
            Choice(draw(texts()), draw(fractions), draw(texts(0)))
            for _ in range(draw(st.integers(2, 5)))
        ]
        q.choices[draw(st.integers(0, len(q.choices) - 1))].fraction = D(1)
    elif kind == "multiple":
        weights = draw(st.permutations(draw(st.sampled_from(MULTIPLE_WEIGHTS))))
        q.choices = [
            Choice(draw(texts()), weight, draw(texts(0))) for weight in weights
        ]
    elif kind == "truefalse":
        q.correct = draw(st.booleans())
        q.feedback_true, q.feedback_false = draw(texts(0)), draw(texts(0))
    elif kind == "short":
        q.short_answers = [
            ShortAnswer(
                draw(texts(arrows=False)),
                draw(fractions.filter(lambda f: f >= 0)),
                draw(texts(0, arrows=False)),
            )
            for _ in range(draw(st.integers(1, 3)))
        ]
        q.short_answers[0].fraction = D(1)
    elif kind == "numerical":
        for _ in range(draw(st.integers(1, 3))):
            shape = draw(st.sampled_from(["value", "range", "any"]))
            answer = NumericAnswer(
                fraction=draw(fractions.filter(lambda f: f >= 0)),
                feedback=draw(texts(0)),
            )
            if shape == "value":
                answer.value, answer.tolerance = draw(numbers), draw(tolerances)
            elif shape == "range":
                answer.minimum, answer.maximum = sorted([draw(numbers), draw(numbers)])
            q.numeric_answers.append(answer)
        q.numeric_answers[0].fraction = D(1)
    elif kind == "matching":
        q.pairs = [
            Pair(draw(texts(arrows=False)), draw(texts()))
            for _ in range(draw(st.integers(2, 4)))
        ]
        if draw(st.booleans()):
            q.pairs.append(Pair("", draw(texts())))
    return q


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), min_size=1, max_size=4))
def test_export_then_import_gives_the_same_questions(generated):
    exported = export_gift(generated)
    assert without_lines(parse_gift(exported)) == generated


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from([*SPECIAL, "\n\n", "\r", "\x00"]), chars), max_size=40
    ).map("".join)
)
def test_arbitrary_text_parses_or_reports(text):
    try:
        questions = parse_gift(text)
    except InterchangeError as error:
        assert error.errors
        assert all(
            1 <= line <= text.count("\n") + text.count("\r") + 1
            for line, _message in error.errors
        )
    else:
        # Whatever imports exports and imports again identically.
        assert without_lines(parse_gift(export_gift(questions))) == without_lines(
            questions
        )
