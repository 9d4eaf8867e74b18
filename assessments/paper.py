"""The paper structure of a quiz: what a printed test and its answer key hold.

:func:`build_paper` draws one *variant* of a quiz for printing: fixed
questions in slot order, random slots drawn with ``random.Random(seed)``, then
(with the same generator) options shuffled when the quiz shuffles answers,
matching options and ordering items always shuffled (listed in order they would
give the key away). The quiz's "shuffle questions" setting is not applied: on
paper, questions keep the slot order so trainers can discuss them in plenary.

The seed picks the variant; no seed means variant ``0``, so a paper printed
without a seed always has the same content. Each paper prints its variant
number and a short *reference* (a fingerprint of the questions, their
versions and the order of their options); the answer key prints the same two.
The key matches the paper when both show the same variant and reference. If
the question bank changes between printing the paper and the key (a question
edited, a question added to a category that random slots draw from), the
reference changes: reprint both.

Everything here is plain data (frozen dataclasses, text already cleaned for
printing); ``assessments.pdf`` draws it.
"""

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kalanso.pdf import clean, html_lines

from .models import Answer, Quiz
from .services import draw_questions

DEFAULT_SEED = 0
MAX_SEED = 999_999
CHOICE_TYPES = ("single", "multiple")


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA…"""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def to_decimal(value, default="0") -> Decimal:
    """A finite decimal, or ``default`` for anything else."""
    try:
        number = Decimal(str(value if value is not None else default))
    except (InvalidOperation, ValueError):
        return Decimal(default)
    return number if number.is_finite() else Decimal(default)


@dataclass(frozen=True)
class Option:
    """A lettered line: a choice, a matching option, an ordering item."""

    letter: str
    text: str
    fraction: Decimal = Decimal(0)  # choices; short answers
    position: int = 0  # ordering: the right place (1 = first)


@dataclass(frozen=True)
class NumericAnswer:
    value: Decimal | None
    tolerance: Decimal
    minimum: Decimal | None
    maximum: Decimal | None
    fraction: Decimal


@dataclass(frozen=True)
class Prompt:
    """A numbered left-hand line of a matching question."""

    number: int
    text: str
    answer_letter: str


@dataclass(frozen=True)
class ScenarioBlock:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    question_id: int
    version: int
    type: str
    lines: tuple[str, ...]
    mark: Decimal
    scenario: ScenarioBlock | None = None
    scenario_first: bool = False  # print the case before this question
    explanation: tuple[str, ...] = ()  # general feedback, for the key
    choices: tuple[Option, ...] = ()  # single, multiple (in paper order)
    correct: bool | None = None  # truefalse
    accepted: tuple[Option, ...] = ()  # short (letter unused)
    numeric: tuple[NumericAnswer, ...] = ()  # numerical
    prompts: tuple[Prompt, ...] = ()  # matching, left column
    options: tuple[Option, ...] = ()  # matching, right column
    items: tuple[Option, ...] = ()  # ordering, in paper order


@dataclass(frozen=True)
class Paper:
    quiz: Quiz = field(compare=False, repr=False)
    seed: int
    questions: tuple[PaperQuestion, ...]
    total_mark: Decimal
    reference: str


def _shuffled(values: list, rng: random.Random) -> list:
    """Shuffled, and never left in the original order (that would give the
    answer away) when another order exists."""
    shown = list(values)
    rng.shuffle(shown)
    if len(set(map(repr, values))) > 1 and shown == list(values):
        shown = shown[1:] + shown[:1]
    return shown


def _paper_question(number, question, answers, rng, shuffle_answers, seen):
    snap = question.snapshot(answers)
    kind = snap["type"]
    scenario, first = None, False
    if snap.get("scenario"):
        scenario = ScenarioBlock(
            clean(snap["scenario"]["title"]),
            tuple(html_lines(snap["scenario"]["text"])),
        )
        first = question.scenario_id not in seen
        seen.add(question.scenario_id)
    data = {
        "number": number,
        "question_id": question.pk,
        "version": snap["version"],
        "type": kind,
        "lines": tuple(html_lines(snap["text"])),
        "mark": to_decimal(snap["mark"], "1"),
        "scenario": scenario,
        "scenario_first": first,
        "explanation": tuple(html_lines(snap.get("general_feedback"))),
    }
    if kind in CHOICE_TYPES:
        choices = list(snap["choices"])
        if shuffle_answers:
            rng.shuffle(choices)
        data["choices"] = tuple(
            Option(letter(i), clean(c["text"]), to_decimal(c["fraction"]))
            for i, c in enumerate(choices)
        )
    elif kind == "truefalse":
        data["correct"] = bool(snap["correct"])
    elif kind == "short":
        data["accepted"] = tuple(
            Option("", clean(a["text"]), to_decimal(a["fraction"]))
            for a in snap["accepted"]
        )
    elif kind == "numerical":
        data["numeric"] = tuple(
            NumericAnswer(
                value=None if a["value"] is None else to_decimal(a["value"]),
                tolerance=abs(to_decimal(a["tolerance"])),
                minimum=None if a["min"] is None else to_decimal(a["min"]),
                maximum=None if a["max"] is None else to_decimal(a["max"]),
                fraction=to_decimal(a["fraction"]),
            )
            for a in snap["numeric"]
        )
    elif kind == "matching":
        pairs = [(clean(p["prompt"]), clean(p["answer"])) for p in snap["pairs"]]
        texts = list(dict.fromkeys(answer for _prompt, answer in pairs if answer))
        options = [Option(letter(i), t) for i, t in enumerate(_shuffled(texts, rng))]
        by_text = {o.text: o.letter for o in options}
        data["options"] = tuple(options)
        data["prompts"] = tuple(
            Prompt(n, prompt, by_text.get(answer, ""))
            for n, (prompt, answer) in enumerate(
                [p for p in pairs if p[0].strip()], start=1
            )
        )
    elif kind == "ordering":
        items = [(i, clean(item["text"])) for i, item in enumerate(snap["items"], 1)]
        data["items"] = tuple(
            Option(letter(i), text, position=place)
            for i, (place, text) in enumerate(_shuffled(items, rng))
        )
    return PaperQuestion(**data)


def build_paper(*, quiz: Quiz, variant_seed: int | None = None) -> Paper:
    """The questions of one printed variant, lettered — deterministic for a
    given quiz, seed and state of the question bank."""
    seed = DEFAULT_SEED if variant_seed is None else int(variant_seed)
    rng = random.Random(seed)
    questions = draw_questions(quiz, rng, shuffle=False)
    answers = {}
    for answer in Answer.objects.filter(question__in=questions).order_by(
        "sort_order", "pk"
    ):
        answers.setdefault(answer.question_id, []).append(answer)
    seen = set()
    paper_questions = tuple(
        _paper_question(n, q, answers.get(q.pk, []), rng, quiz.shuffle_answers, seen)
        for n, q in enumerate(questions, start=1)
    )
    fingerprint = repr((quiz.pk, seed, paper_questions)).encode("utf-8", "replace")
    return Paper(
        quiz=quiz,
        seed=seed,
        questions=paper_questions,
        total_mark=sum((q.mark for q in paper_questions), Decimal(0)),
        reference=hashlib.sha256(fingerprint).hexdigest()[:8].upper(),
    )
