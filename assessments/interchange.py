"""Plain data exchanged by the question import/export formats (GIFT, Aiken).

These dataclasses know nothing of Django models: the format modules
(`assessments.gift`, `assessments.aiken`) produce and consume them, and the
application maps them to and from its models.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# What people read for each question type (never the codes below).
TYPE_LABELS = {
    "single": _("Single choice"),
    "multiple": _("Multiple answers"),
    "truefalse": _("True / false"),
    "short": _("Short answer"),
    "numerical": _("Numerical"),
    "matching": _("Matching"),
    "ordering": _("Ordering"),
    "essay": _("Essay"),
    "description": _("Description (no answer)"),
}


def type_label(code: str) -> str:
    return str(TYPE_LABELS.get(code, code))


@dataclass
class Choice:  # single / multiple choice option
    text: str  # HTML-safe text (plain text as written in GIFT, with GIFT escapes resolved)
    fraction: Decimal  # -1..1 ; 1 = fully right (single choice: exactly one or more at 1; multiple: weights)
    feedback: str = ""


@dataclass
class ShortAnswer:
    text: str
    fraction: Decimal = Decimal(1)
    feedback: str = ""


@dataclass
class NumericAnswer:
    # Either `value` with `tolerance`, or an inclusive range `minimum`..`maximum`.
    # With neither (value, minimum and maximum all None) the answer matches any
    # response: GIFT's "*" answer / "~feedback for any other answer".
    value: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    fraction: Decimal = Decimal(1)
    feedback: str = ""


@dataclass
class Pair:
    prompt: str  # empty prompt = an extra (distractor) answer
    answer: str


@dataclass
class Question:
    type: str  # "single", "multiple", "truefalse", "short", "numerical", "matching", "essay", "description"
    text: str  # question text; for GIFT "missing word" questions, the blank is marked "_____" (5 underscores) where the answer block was
    name: str = ""  # GIFT ::title::
    general_feedback: str = ""  # GIFT ####general feedback
    category: str = ""  # from $CATEGORY: lines (applies to following questions)
    text_format: str = (
        "moodle"  # "html", "plain", "markdown", "moodle" from [format] prefix
    )
    choices: list[Choice] = field(default_factory=list)
    short_answers: list[ShortAnswer] = field(default_factory=list)
    numeric_answers: list[NumericAnswer] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    correct: bool | None = None  # truefalse
    feedback_true: str = ""  # truefalse feedback when answering true / false
    feedback_false: str = ""
    line: int = 0  # 1-based line where the question starts in the source
    missing_word: bool = False  # GIFT answer block in the middle of the text ("_____")


# eq=False keeps the exception hashable (exceptions are put in sets by some
# tooling); errors are compared through `.errors`.
@dataclass(eq=False)
class InterchangeError(Exception):
    """Everything wrong with an import (or export), never a partial result.

    `errors` is a list of (number, message) sorted by number. On import the
    number is the 1-based line of the source; on export it is the 1-based
    index of the question in the list given. Messages are already translated
    and do not repeat the number, so a view can show "Line 12: …".
    """

    errors: list[tuple[int, str]]

    def __str__(self):
        return "; ".join(f"{number}: {message}" for number, message in self.errors)
