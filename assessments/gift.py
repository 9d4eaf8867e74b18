"""Moodle GIFT import and export.

GIFT is Moodle's plain-text question format (Moodle's `qformat_gift`, see
https://docs.moodle.org/en/GIFT_format). This parser follows what Moodle does
with a file, so a question bank written for Moodle imports the same way here,
but it is stricter where Moodle silently produces a broken question (it then
reports an error instead), and it is all-or-nothing: `parse_gift` returns
every question or raises `InterchangeError` listing every problem found, each
with its line number.

The format, as Moodle reads it:

* Questions are separated by blank lines. Lines are trimmed. A line starting
  with `//` is a comment (it does not end the question it is in).
* `$CATEGORY: name` sets the category of the following questions (here it is
  a line of its own and also ends the question before it). The name is a path
  in the category tree, as Moodle writes it: `$course$/top/Module 1/Leçon 2`.
  An optional context prefix (`$course$/`, `$system$/`, `$module$/`,
  `$cat$/`…) says which of Moodle's banks it belongs to; `top` is the bank's
  invisible root; `//` stands for a slash inside a name. `category_names`
  reads such a path, `category_path` writes one.
* `::Title::` at the start names the question.
* `[html]`, `[moodle]`, `[plain]` or `[markdown]` at the start of the text sets
  its format (answers and feedback may carry one too; it is dropped there).
* `\\~ \\= \\# \\{ \\} \\:` are literal characters, `\\\\` a backslash and `\\n` a
  line break. Any other backslash is kept as it is.
* The answer block `{...}` decides the type:

  ============================  =========================================
  no block                      description
  `{}`                          essay
  `{#...}`                      numerical: `{#3.14:0.01}`, `{#1..5}`,
                                `{# =2030:0 =%50%2029:1 ~other feedback}`
  contains `~`                  multiple choice: single answer when some
                                answer starts with `=`, else multiple answers
                                (checkboxes) weighted with `~%50%`
  contains `=` and `->`         matching `{=item -> match =… -> …}`
  `{T}` `{TRUE}` `{F}` `{FALSE}`   true/false
  `{=a =%50%b}`                 short answer
  ============================  =========================================

* In an answer, `#text` is its feedback; `####text` at the end of the block is
  the general feedback. True/false takes `{T#wrong#right}`: the first
  feedback is shown to those who answer wrongly, the second to those who
  answer rightly (Moodle's `split_truefalse_comment`).
* When the block is not at the end of the question (even if only a full
  stop follows it), the question is a "missing word" one: the block is
  replaced by `_____` in the text, exactly like Moodle does.

`export_gift` writes questions back so that `parse_gift` (and Moodle) read the
same questions again.
"""

import bisect
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessments.interchange import (
    Choice,
    InterchangeError,
    NumericAnswer,
    Pair,
    Question,
    ShortAnswer,
)

__all__ = [
    "BLANK",
    "FORMATS",
    "category_names",
    "category_path",
    "escape_gift",
    "export_gift",
    "parse_gift",
]

# Refuse larger sources outright (a big Moodle bank is well under a megabyte).
MAX_SOURCE_CHARS = 5_000_000
# Stop listing problems after this many (a binary file has one on every line).
MAX_ERRORS = 100
# What replaces the answer block of a "missing word" question.
BLANK = "_____"
FORMATS = ("moodle", "html", "plain", "markdown")

# Characters stripped by PHP's trim(), which Moodle applies everywhere. Not
# str.strip(): that also strips no-break spaces and other Unicode spaces.
_WS = " \t\n\r\0\x0b"

# Escaped control characters are replaced by placeholders before the block is
# cut into answers, and put back at the end (Moodle's escapedchar_pre/post).
# The placeholders are lone surrogates, which cannot occur in valid text
# (any in the input is reported as an invalid character).
_ESCAPES = {
    ":": "\ud800",
    "#": "\ud801",
    "=": "\ud802",
    "{": "\ud803",
    "}": "\ud804",
    "~": "\ud805",
    "n": "\ud806",  # \n: a line break
}
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_DECODE = str.maketrans(
    {
        placeholder: ("\n" if char == "n" else char)
        for char, placeholder in _ESCAPES.items()
    }
)

# Control characters (except tab) and surrogates have no business in a
# question file: they mean binary data or a wrong encoding.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BRACES = re.compile("[{}]")
_FORMAT_PREFIX = re.compile(r"\[([^\]]*)\]")
_FORMAT_WORD = re.compile(r"[A-Za-z]+")
# Moodle's answer weight: "%50%", "%-33.333%" at the start of an answer.
_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]*)?)%")
# A number as PHP's is_numeric() accepts it (ASCII digits only).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
# Moodle's context prefix of a category path: "$course$/", "$system$/"…
_CONTEXT_PREFIX = re.compile(r"\$([a-z]+)\$(?:/|$)", re.IGNORECASE)
# The context written on export (Moodle imports it into the current course).
EXPORT_CONTEXT = "$course$"
# Moodle's root category of every context (Moodle 3.5 and later).
_TOP = "top"
_SLASH = "\ud807"  # stands for "//" (a slash inside a name) while splitting


def category_names(path: str) -> list[str]:
    """The category names of a `$CATEGORY:` path, from the top of the tree:
    `$course$/top/Vérification/Import GIFT` → ["Vérification", "Import GIFT"].
    The context prefix and Moodle's `top` root are dropped; empty names are
    skipped."""
    path = path.strip(_WS)
    match = _CONTEXT_PREFIX.match(path)
    if match:
        path = path[match.end() :]
    parts = path.replace("//", _SLASH).split("/")
    names = [part.replace(_SLASH, "/").strip(_WS) for part in parts]
    names = [name for name in names if name]
    if names and names[0] == _TOP:
        names = names[1:]
    return names


def category_path(names: list[str]) -> str:
    """The `$CATEGORY:` path Moodle writes for a category and its ancestors."""
    if not names:
        return ""
    return "/".join(
        [EXPORT_CONTEXT, _TOP, *(name.replace("/", "//") for name in names)]
    )


class _TooManyErrors(Exception):
    pass


class _Errors:
    """Collects (line, message) pairs; gives up after MAX_ERRORS."""

    def __init__(self):
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, template: str, /, **params):
        # Always %-format with a mapping, so "%%" is a literal percent sign in
        # every message (translators see python-format strings).
        self.items.append((line, template % params))
        if len(self.items) >= MAX_ERRORS:
            self.items.append(
                (line, _("Too many errors; the rest of the file was not checked."))
            )
            raise _TooManyErrors


def _encode(line: str) -> str:
    """Resolve GIFT escapes to placeholders (left to right, so `\\\\~` is a
    backslash followed by a real `~`)."""
    if "\\" not in line:
        return line
    return _ESCAPE_RE.sub(
        lambda m: "\\" if m.group(1) == "\\" else _ESCAPES[m.group(1)], line
    )


def _decode(text: str) -> str:
    return text.translate(_DECODE)


def _snippet(encoded: str, limit: int = 40) -> str:
    """Short, printable excerpt of source text for an error message."""
    text = " ".join(_decode(encoded).split())
    text = _BAD_CHAR.sub("\ufffd", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(encoded: str) -> str:
    """Answer/feedback text: trimmed, known [format] prefix dropped, escapes
    resolved (Moodle's parse_text_with_format)."""
    text = encoded.strip(_WS)
    match = _FORMAT_PREFIX.match(text)
    if match and match.group(1) in FORMATS:
        text = text[match.end() :]
    return _decode(text).strip(_WS)


def _strip(offset: int, text: str) -> tuple[int, str]:
    """Strip `text`, moving `offset` (its position in the block) along."""
    stripped = text.lstrip(_WS)
    return offset + len(text) - len(stripped), stripped.rstrip(_WS)


def _split(text: str, offset: int, markers: str) -> list[tuple[int, str, str]]:
    """Cut answer text before each marker character.

    Returns (offset, marker, body) triples; a first piece before any marker
    has the marker "" (it is dropped when blank)."""
    positions = [i for i, char in enumerate(text) if char in markers]
    pieces = []
    first_end = positions[0] if positions else len(text)
    if text[:first_end].strip(_WS):
        pieces.append((offset, "", text[:first_end]))
    for k, position in enumerate(positions):
        end = positions[k + 1] if k + 1 < len(positions) else len(text)
        pieces.append((offset + position, text[position], text[position + 1 : end]))
    return pieces


def _split_feedback(body: str) -> tuple[str, str]:
    """`answer#feedback`: only the first `#` separates (Moodle's commentparser)."""
    answer, _sep, feedback = body.partition("#")
    return answer, feedback


class _Block:
    """The non-comment lines of one question, joined with newlines, and a map
    from offsets in that text back to source line numbers."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.numbers = [number for number, _content in lines]
        self.starts = []
        position = 0
        for _number, content in lines:
            self.starts.append(position)
            position += len(content) + 1
        self.text = "\n".join(content for _number, content in lines)

    def line(self, offset: int) -> int:
        return self.numbers[max(bisect.bisect_right(self.starts, offset) - 1, 0)]


# ---------------------------------------------------------------- import


def parse_gift(text: str) -> list[Question]:
    """Read a GIFT file. Returns every question, or raises InterchangeError
    with every problem found as (line number, translated message)."""
    errors = _Errors()
    questions: list[Question] = []
    try:
        questions = _parse(text, errors)
    except _TooManyErrors:
        pass
    if errors.items:
        raise InterchangeError(sorted(errors.items, key=lambda item: item[0]))
    return questions


def _parse(text: str, errors: _Errors) -> list[Question]:
    if len(text) > MAX_SOURCE_CHARS:
        errors.add(
            text.count("\n", 0, MAX_SOURCE_CHARS) + 1,
            _(
                "The file is too large (more than %(limit)s characters); split it into several files."
            ),
            limit=MAX_SOURCE_CHARS,
        )
        return []
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    questions: list[Question] = []
    category = ""
    block: list[tuple[int, str]] = []

    def flush():
        if block:
            question = _QuestionParser(_Block(block), category, errors).parse()
            if question is not None:
                questions.append(question)
            block.clear()

    for number, raw in enumerate(text.split("\n"), 1):
        bad = _BAD_CHAR.search(raw)
        if bad:
            errors.add(
                number,
                _("Invalid character U+%(code)04X: is this really a UTF-8 text file?"),
                code=ord(bad.group()),
            )
        line = raw.strip(_WS)
        if not line:
            flush()  # a blank line ends the question
        elif line.startswith("//"):
            continue  # a comment, even inside a question
        elif line.startswith(_CATEGORY):
            # Moodle wants "$CATEGORY:" alone in its block; here the line also
            # ends the question before it and starts a new one after it.
            flush()
            category = _decode(_encode(line[len(_CATEGORY) :])).strip(_WS)
        else:
            block.append((number, _encode(line)))
    flush()
    return questions


class _QuestionParser:
    """Moodle's qformat_gift::readquestion() for one blank-line separated block."""

    def __init__(self, block: _Block, category: str, errors: _Errors):
        self.block = block
        self.category = category
        self.errors = errors
        self.ok = True
        self.opening = 0  # offset of the "{": where whole-block problems are reported

    def error(self, offset: int, template: str, /, **params):
        self.ok = False
        self.errors.add(self.block.line(offset), template, **params)

    def parse(self) -> Question | None:
        text = self.block.text
        question = Question(
            type="", text="", category=self.category, line=self.block.numbers[0]
        )

        # ::Title::
        position = 0
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                self.error(
                    0,
                    _(
                        "The question title is not closed: write it as ::Title:: before the question text."
                    ),
                )
                return None
            question.name = _decode(text[2:end]).strip(_WS)
            position = end + 2
        position, _rest = _strip(position, text[position:])

        # The answer block: the first "{" and the "}" after it. Moodle takes
        # the first "{" and the first "}" whatever their order or number; any
        # other brace is reported here instead of giving a mangled question.
        braces = _BRACES.finditer(text, position)
        opening = next(braces, None)
        if opening is None:
            return self.description(question, text[position:], position)
        if opening.group() == "}":
            return self.error(
                opening.start(),
                _(
                    "“}” without a “{” before it. To write a brace in a text, escape it: \\}"
                ),
            )
        closing = next(braces, None)
        if closing is None:
            return self.error(
                opening.start(),
                _(
                    "The answer block opened with “{” is not closed with “}” "
                    "(a blank line ends a question, so close the block before it)."
                ),
            )
        if closing.group() == "{":
            return self.error(
                closing.start(),
                _(
                    "A “{” inside the answer block opened on line %(line)s: close that "
                    "block with “}” first. To write a brace in a text, escape it: \\{"
                ),
                line=self.block.line(opening.start()),
            )
        extra = next(braces, None)
        if extra is not None:
            if extra.group() == "{":
                return self.error(
                    extra.start(),
                    _(
                        "A question has only one answer block {…}. Is a blank line "
                        "missing between two questions?"
                    ),
                )
            return self.error(
                extra.start(),
                _(
                    "“}” without a “{” before it. To write a brace in a text, escape it: \\}"
                ),
            )

        start, end = opening.start(), closing.start()
        self.opening = start
        # Moodle: if the question ends with the block, the block is simply
        # removed; otherwise (even with only "." after it) it is a "missing
        # word" question and the block becomes "_____".
        # (Only an escaped "\n" after the block counts as nothing.)
        question.missing_word = bool(_decode(text[end + 1 :]).strip(_WS))
        question_text = (
            text[position:start]
            + (BLANK if question.missing_word else "")
            + text[end + 1 :]
        )
        self.question_text(question, question_text, position)

        # General feedback: after the last "####" of the block.
        answers = text[start + 1 : end]
        separator = answers.rfind("####")
        if separator >= 0:
            question.general_feedback = _text(answers[separator + 4 :])
            answers = answers[:separator]
        offset, answers = _strip(start + 1, answers)

        # The type, in Moodle's order of tests.
        if answers == "":
            question.type = "essay"
        elif answers.startswith("#"):
            self.numerical(question, answers[1:], offset + 1)
        elif "~" in answers:
            self.multiple_choice(question, answers, offset)
        elif "=" in answers and "->" in answers:
            self.matching(question, answers, offset)
        elif answers.startswith("="):
            self.short_answer(question, answers, offset)
        else:
            self.true_false(question, answers, offset)
        return question if self.ok else None

    # -- text

    def question_text(self, question: Question, encoded: str, offset: int):
        match = _FORMAT_PREFIX.match(encoded)
        if match:
            if match.group(1) in FORMATS:
                question.text_format = match.group(1)
                encoded = encoded[match.end() :]
            elif _FORMAT_WORD.fullmatch(match.group(1)):
                # Moodle would keep "[Word]" as text; it is almost always a
                # mistyped format. A text may start with "[...]" after a real
                # prefix: "[moodle][Word] ...".
                self.error(
                    offset,
                    _(
                        "Unknown text format “[%(format)s]”: use [html], [moodle], [plain] or [markdown]."
                    ),
                    format=_snippet(match.group(1)),
                )
        question.text = _decode(encoded).strip(_WS)
        if not question.text:
            self.error(offset, _("The question text is empty."))

    def description(
        self, question: Question, encoded: str, offset: int
    ) -> Question | None:
        question.type = "description"
        self.question_text(question, encoded, offset)
        return question if self.ok else None

    # -- answer parts

    def weight(self, body: str, offset: int) -> tuple[Decimal | None, str]:
        """A leading "%50%" weight, as a fraction, and the rest of the answer."""
        body = body.strip(_WS)
        match = _WEIGHT.match(body)
        if not match:
            return None, body
        percent = Decimal(match.group(1))
        if not Decimal(-100) <= percent <= Decimal(100):
            self.error(
                offset,
                _("Invalid weight %(weight)s%%: a weight is between -100%% and 100%%."),
                weight=match.group(1),
            )
        return percent.scaleb(-2), body[match.end() :]

    def answer_text(self, encoded: str, offset: int) -> str:
        text = _text(encoded)
        if not text:
            self.error(offset, _("Empty answer."))
        return text

    def leading_text(self, offset: int, body: str):
        self.error(
            offset,
            _(
                "Unexpected text “%(text)s” before the first answer: each answer starts with “=” or “~”."
            ),
            text=_snippet(body),
        )

    # -- types

    def multiple_choice(self, question: Question, answers: str, offset: int):
        # Moodle: one answer starting with "=" makes it a single-answer
        # (radio button) question, where other answers may still earn partial
        # credit with "~%50%"; without any "=", several answers can be
        # ticked and their positive weights must add up to 100%.
        pieces = _split(answers, offset, "~=")
        single = any(marker == "=" for _o, marker, _b in pieces)
        question.type = "single" if single else "multiple"
        for piece_offset, marker, body in pieces:
            if marker == "":
                self.leading_text(piece_offset, body)
                continue
            if marker == "=":
                body = body.strip(_WS)
                if _WEIGHT.match(body):
                    # Moodle would make "%50%" part of the answer text.
                    self.error(
                        piece_offset,
                        _(
                            "“=” already marks a right answer (100%%) and takes no weight: use “~%%50%%…” for partial credit."
                        ),
                    )
                fraction = Decimal(1)
            else:
                fraction, body = self.weight(body, piece_offset)
                fraction = fraction if fraction is not None else Decimal(0)
            text, feedback = _split_feedback(body)
            question.choices.append(
                Choice(self.answer_text(text, piece_offset), fraction, _text(feedback))
            )
        if len(question.choices) < 2:
            self.error(
                self.opening,
                _("A multiple choice question needs at least two answers."),
            )
        elif not single:
            # Moodle's qtype_multichoice check: positive weights add up to
            # 100% once rounded to two decimals (3 × 33.333% is fine).
            total = sum(
                (c.fraction for c in question.choices if c.fraction > 0), Decimal(0)
            )
            if total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) != 1:
                self.error(
                    self.opening,
                    _(
                        "Without a “=” answer, this is a multiple-answer question: the positive "
                        "weights of its right answers must add up to 100%% (here %(total)s%%). "
                        "Mark the single right answer with “=”, or weight right answers with “~%%50%%…”."
                    ),
                    total=format(total.scaleb(2).normalize(), "f"),
                )

    def matching(self, question: Question, answers: str, offset: int):
        question.type = "matching"
        for piece_offset, marker, body in _split(answers, offset, "="):
            if marker == "":
                self.leading_text(piece_offset, body)
                continue
            prompt, arrow, answer = body.partition("->")
            if not arrow:
                self.error(
                    piece_offset,
                    _(
                        "The matching pair “%(text)s” has no “->” between the item and its match."
                    ),
                    text=_snippet(body),
                )
                continue
            # The item is a text (format prefix allowed); the match is plain.
            pair = Pair(_text(prompt), _decode(answer.strip(_WS)).strip(_WS))
            if not pair.answer:
                self.error(
                    piece_offset,
                    _("The matching pair “%(text)s” has nothing after “->”."),
                    text=_snippet(body),
                )
            question.pairs.append(pair)
        if self.ok and sum(1 for pair in question.pairs if pair.prompt) < 2:
            self.error(
                self.opening,
                _("A matching question needs at least two pairs “=item -> match”."),
            )

    def short_answer(self, question: Question, answers: str, offset: int):
        question.type = "short"
        for piece_offset, _marker, body in _split(answers, offset, "="):
            fraction, body = self.weight(body, piece_offset)
            text, feedback = _split_feedback(body)
            question.short_answers.append(
                ShortAnswer(
                    self.answer_text(text, piece_offset),
                    fraction if fraction is not None else Decimal(1),
                    _text(feedback),
                )
            )
        self.require_full_marks(question.short_answers)

    def require_full_marks(self, answers):
        # Moodle: "One of the answers should have a score of 100%".
        if self.ok and max(answer.fraction for answer in answers) != 1:
            self.error(
                self.opening,
                _(
                    "One of the answers must be worth 100%% so that full marks are possible."
                ),
            )

    def true_false(self, question: Question, answers: str, offset: int):
        # {T#feedback if answered wrongly#feedback if answered rightly}
        parts = answers.split("#", 2)
        # Moodle only knows T, TRUE, F, FALSE in capitals ("{true}" becomes a
        # short answer there); here any case is a true/false answer.
        value = _decode(parts[0]).strip(_WS).upper()
        if value not in _TRUE_FALSE:
            self.error(
                self.opening,
                _(
                    "Unrecognised answer block “{%(block)s}”: write T, TRUE, F or FALSE for a "
                    "true/false question; start answers with “=” (right) or “~” (wrong); start a "
                    "numerical answer with “#”; leave it empty for an essay."
                ),
                block=_snippet(answers),
            )
            return
        question.type = "truefalse"
        question.correct = _TRUE_FALSE[value]
        wrong = _text(parts[1]) if len(parts) > 1 else ""
        right = _text(parts[2]) if len(parts) > 2 else ""
        if question.correct:
            question.feedback_true, question.feedback_false = right, wrong
        else:
            question.feedback_true, question.feedback_false = wrong, right

    def numerical(self, question: Question, answers: str, offset: int):
        question.type = "numerical"
        # "~feedback" at the end: feedback for any other answer (Moodle adds
        # a "*" answer worth 0%).
        other = None
        tilde = answers.find("~")
        if tilde >= 0:
            other = NumericAnswer(
                fraction=Decimal(0), feedback=_text(answers[tilde + 1 :])
            )
            answers = answers[:tilde]
        # Moodle allows the first answer without "=": {#1822:1}.
        for piece_offset, _marker, body in _split(answers, offset, "="):
            fraction, body = self.weight(body, piece_offset)
            text, feedback = _split_feedback(body)
            answer = self.numeric_value(_text(text), piece_offset)
            if answer is not None:
                answer.fraction = fraction if fraction is not None else Decimal(1)
                answer.feedback = _text(feedback)
                question.numeric_answers.append(answer)
        if not question.numeric_answers:
            if self.ok:
                self.error(self.opening, _("The numerical question has no answer."))
            return
        if other is not None:
            question.numeric_answers.append(other)
        self.require_full_marks(question.numeric_answers)

    def number(self, text: str, offset: int) -> Decimal | None:
        text = text.strip(_WS)
        if _NUMBER.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # an exponent beyond what Decimal can hold
                self.error(
                    offset, _("“%(text)s” is not a number."), text=_snippet(text)
                )
                return None
        if _NUMBER.fullmatch(text.replace(",", ".", 1)):
            self.error(
                offset,
                _("“%(text)s” is not a number: use a dot as the decimal separator."),
                text=_snippet(text),
            )
        else:
            self.error(offset, _("“%(text)s” is not a number."), text=_snippet(text))
        return None

    def numeric_value(self, text: str, offset: int) -> NumericAnswer | None:
        if not text:
            self.error(offset, _("Empty answer."))
            return None
        if text == "*" or text.startswith("*:"):  # any answer
            return NumericAnswer()
        if text.find("..") > 0:  # minimum..maximum
            low, _sep, high = text.partition("..")
            minimum, maximum = self.number(low, offset), self.number(high, offset)
            if minimum is None or maximum is None:
                return None
            if minimum > maximum:
                self.error(
                    offset,
                    _("In the range “%(text)s” the minimum is above the maximum."),
                    text=_snippet(text),
                )
                return None
            return NumericAnswer(minimum=minimum, maximum=maximum)
        if text.find(":") > 0:  # value:tolerance
            value_text, _sep, tolerance_text = text.partition(":")
            value, tolerance = (
                self.number(value_text, offset),
                self.number(tolerance_text, offset),
            )
            if value is None or tolerance is None:
                return None
            if tolerance < 0:
                self.error(
                    offset,
                    _("The tolerance in “%(text)s” must not be negative."),
                    text=_snippet(text),
                )
                return None
            return NumericAnswer(value=value, tolerance=tolerance)
        value = self.number(text, offset)
        return None if value is None else NumericAnswer(value=value)


# ---------------------------------------------------------------- export


def escape_gift(text: str) -> str:
    """Escape a text for GIFT: its special characters ~ = # { } : and the
    backslash get a backslash, line breaks become \\n (so a text is always
    on one line)."""
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


class _ExportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def export_gift(questions: list[Question]) -> str:
    """Write questions as GIFT. Raises InterchangeError listing
    (1-based question index, message) for questions GIFT cannot express."""
    errors: list[tuple[int, str]] = []
    chunks: list[str] = []
    category = ""
    for index, question in enumerate(questions, 1):
        try:
            chunk = _export_question(question)
        except _ExportError as error:
            errors.append((index, error.message))
            continue
        # What is written must read back: check each question with the parser.
        try:
            parsed = parse_gift(chunk)
        except InterchangeError as error:
            errors.extend((index, message) for _line, message in error.errors)
            continue
        if len(parsed) != 1:  # cannot happen: a chunk has no blank line
            raise AssertionError(chunk)
        if question.category != category:
            category = question.category
            chunks.append(f"{_CATEGORY} {escape_gift(category)}")
        chunks.append(chunk)
    if errors:
        raise InterchangeError(errors)
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _percent(fraction: Decimal) -> str:
    return format(fraction.scaleb(2).normalize(), "f")


def _number(value: Decimal) -> str:
    return str(value)  # "1822", "0.0005", "1E+3": all read back by GIFT and Moodle


def _export_question(question: Question) -> str:
    fmt = question.text_format
    if fmt not in FORMATS:
        raise _ExportError(_("Unknown text format “%(format)s”.") % {"format": fmt})

    def text(value: str) -> str:
        # Answers and feedback may start with a format prefix, which GIFT
        # would drop, and answers with a "%weight%": an explicit prefix
        # protects a text starting with "[" or "%".
        escaped = escape_gift(value)
        return f"[{fmt}]{escaped}" if value.startswith(("[", "%")) else escaped

    def feedback(value: str) -> str:
        return f"#{text(value)}" if value else ""

    def no_arrow(value: str):
        if "->" in value:
            raise _ExportError(
                _(
                    "GIFT cannot write “->” in a short answer, its feedback or a matching "
                    "item: “%(text)s”."
                )
                % {"text": value}
            )

    kind = question.type
    lines: list[str] = []
    inline = None
    if kind == "description":
        if question.general_feedback:
            raise _ExportError(
                _("GIFT cannot write the general feedback of a description.")
            )
    elif kind == "essay":
        inline = ""
    elif kind == "truefalse":
        if question.correct is None:
            raise _ExportError(_("The true/false question has no right answer."))
        # {TRUE#feedback when answered wrongly#feedback when answered rightly}
        if question.correct:
            wrong, right = question.feedback_false, question.feedback_true
        else:
            wrong, right = question.feedback_true, question.feedback_false
        inline = "TRUE" if question.correct else "FALSE"
        if wrong or right:
            inline += f"#{text(wrong)}"
        if right:
            inline += f"#{text(right)}"
    elif kind in ("single", "multiple"):
        # Single answer: right answers start with "=". A block needs one "~"
        # to be multiple choice at all, so when every answer is right the
        # later ones are written "~%100%". Multiple answers: "~" only.
        right = (
            [c for c in question.choices if c.fraction == 1] if kind == "single" else []
        )
        if kind == "single" and not right:
            raise _ExportError(
                _("A single-answer question needs an answer worth 100%%.") % {}
            )
        equals = right if len(right) < len(question.choices) else right[:1]
        for choice in question.choices:
            if any(choice is c for c in equals):
                lines.append(f"={text(choice.text)}{feedback(choice.feedback)}")
            else:
                weight = f"%{_percent(choice.fraction)}%" if choice.fraction else ""
                lines.append(f"~{weight}{text(choice.text)}{feedback(choice.feedback)}")
    elif kind == "short":
        for answer in question.short_answers:
            no_arrow(answer.text)
            no_arrow(answer.feedback)
            weight = "" if answer.fraction == 1 else f"%{_percent(answer.fraction)}%"
            lines.append(f"={weight}{text(answer.text)}{feedback(answer.feedback)}")
    elif kind == "numerical":
        for answer in question.numeric_answers:
            if (
                answer.value is not None
                and answer.minimum is None
                and answer.maximum is None
            ):
                value = _number(answer.value)
                if answer.tolerance:
                    value += f":{_number(answer.tolerance)}"
            elif (
                answer.value is None
                and answer.minimum is not None
                and answer.maximum is not None
            ):
                value = f"{_number(answer.minimum)}..{_number(answer.maximum)}"
            elif (
                answer.value is None
                and answer.minimum is None
                and answer.maximum is None
            ):
                value = "*"  # any answer
            else:
                raise _ExportError(
                    _(
                        "A numerical answer is a value with a tolerance, or a minimum and a "
                        "maximum, or neither (any other answer)."
                    )
                )
            weight = "" if answer.fraction == 1 else f"%{_percent(answer.fraction)}%"
            lines.append(f"={weight}{value}{feedback(answer.feedback)}")
    elif kind == "matching":
        for pair in question.pairs:
            no_arrow(pair.prompt)
            # The match is plain text (no format prefix is read there).
            lines.append(f"={text(pair.prompt)} -> {escape_gift(pair.answer)}")
    else:
        raise _ExportError(_("Unknown question type “%(type)s”.") % {"type": kind})

    if question.general_feedback and kind != "description":
        general = f"####{text(question.general_feedback)}"
        if inline is not None:
            inline += general
        else:
            lines.append(general)

    head = f"::{escape_gift(question.name)}::" if question.name else ""
    if kind == "description":
        return f"{head}[{fmt}]{escape_gift(question.text)}"
    # A missing-word question gets its block where the first "_____" is.
    before, after = question.text, ""
    if question.missing_word and BLANK in question.text:
        before, _blank, after = question.text.partition(BLANK)
    head += f"[{fmt}]{escape_gift(before)}"
    tail = escape_gift(after)
    if inline is not None:
        return f"{head}{{{inline}}}{tail}"
    opening = "{#" if kind == "numerical" else "{"  # "#" opens a numerical block
    body = "".join(f"\n\t{line}" for line in lines)
    return f"{head}{opening}{body}\n}}{tail}"
