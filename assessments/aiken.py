"""Aiken import and export: the simplest multiple choice format Moodle reads.

    What is the capital of Mali?
    A. Mopti
    B) Bamako
    C. Kayes
    ANSWER: B

A question is its text, then options "A. text" or "A) text" (capital letters
in order, a space after the "." or ")"), then "ANSWER: <letter>". Blank lines
are ignored. Each question becomes a "single" Question with text_format
"plain" and the chosen option at fraction 1.

Unlike Moodle's importer, which silently drops what it does not understand,
this one is all-or-nothing: `parse_aiken` raises `InterchangeError` with
every problem and its line number. It also accepts a question text spread
over several lines (joined with line breaks).
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.gift import MAX_ERRORS, MAX_SOURCE_CHARS
from assessments.interchange import Choice, InterchangeError, Question, type_label

__all__ = ["MAX_OPTIONS", "export_aiken", "parse_aiken"]

MAX_OPTIONS = 26  # A to Z
_OPTION = re.compile(r"([A-Z])[.)](?:[ \t]+(.*))?")
_LOWER_OPTION = re.compile(r"[a-z][.)][ \t]+.*")
_ANSWER = re.compile(r"ANSWER:[ \t]*(.*)")
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_WS = " \t\n\r\0\x0b"  # PHP trim(), as in assessments.gift


class _TooManyErrors(Exception):
    pass


def parse_aiken(text: str) -> list[Question]:
    """Read an Aiken file: every question, or InterchangeError listing
    (line number, translated message) for every problem."""
    errors: list[tuple[int, str]] = []

    def error(line: int, template: str, /, **params):
        errors.append((line, template % params))
        if len(errors) >= MAX_ERRORS:
            errors.append(
                (line, _("Too many errors; the rest of the file was not checked."))
            )
            raise _TooManyErrors

    questions: list[Question] = []
    try:
        _parse(text, questions, error)
    except _TooManyErrors:
        pass
    if errors:
        raise InterchangeError(sorted(errors, key=lambda item: item[0]))
    return questions


def _parse(text: str, questions: list[Question], error) -> None:
    if len(text) > MAX_SOURCE_CHARS:
        error(
            text.count("\n", 0, MAX_SOURCE_CHARS) + 1,
            _(
                "The file is too large (more than %(limit)s characters); split it into several files."
            ),
            limit=MAX_SOURCE_CHARS,
        )
        return
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    question: Question | None = None  # being read, until its ANSWER line
    text_lines: list[str] = []
    skipping = False  # after a broken question, until its ANSWER line

    for number, raw in enumerate(text.split("\n"), 1):
        bad = _BAD_CHAR.search(raw)
        if bad:
            error(
                number,
                _("Invalid character U+%(code)04X: is this really a UTF-8 text file?"),
                code=ord(bad.group()),
            )
        line = raw.strip(_WS)
        if not line:
            continue
        option = _OPTION.fullmatch(line)
        answer = _ANSWER.fullmatch(line)
        if skipping:
            skipping = not answer
            continue
        if answer:
            if question is None:
                error(number, _("“ANSWER:” without a question before it."))
                continue
            _finish(question, answer.group(1).strip(_WS), number, error)
            if question.choices:
                questions.append(question)
            question = None
        elif option:
            if question is None:
                error(number, _("An option comes before any question text."))
                continue
            expected = chr(ord("A") + len(question.choices))
            if option.group(1) != expected:
                error(
                    number,
                    _(
                        "Option %(found)s where option %(expected)s was expected (options go A, B, C… in order)."
                    ),
                    found=option.group(1),
                    expected=expected,
                )
            text_value = (option.group(2) or "").strip(_WS)
            if not text_value:
                error(number, _("Option %(letter)s is empty."), letter=option.group(1))
            question.choices.append(Choice(text_value, Decimal(0)))
        elif question is None:
            question = Question(
                type="single", text=line, text_format="plain", line=number
            )
            text_lines = [line]
        elif not question.choices:
            if _LOWER_OPTION.fullmatch(line):
                error(
                    number,
                    _("Options are written with capital letters: “A. …” or “A) …”."),
                )
                question, skipping = None, True
                continue
            text_lines.append(line)  # question text on several lines
            question.text = "\n".join(text_lines)
        else:
            error(
                number,
                _(
                    "Expected the next option (“%(letter)s. …”) or the “ANSWER: …” line of the "
                    "question starting on line %(line)s."
                ),
                letter=chr(ord("A") + len(question.choices)),
                line=question.line,
            )
            # Skip the rest of that question (one error is enough).
            question, skipping = None, True
    if question is not None:
        error(
            question.line,
            _("The question has no “ANSWER: …” line (for example “ANSWER: A”)."),
        )


def _finish(question: Question, letter: str, number: int, error) -> None:
    if len(question.choices) < 2:
        error(
            number,
            _("A question needs at least two options (A. … B. …) before “ANSWER:”."),
        )
        question.choices.clear()
        return
    if len(letter) != 1 or not "A" <= letter <= chr(
        ord("A") + len(question.choices) - 1
    ):
        error(
            number,
            _("“ANSWER: %(letter)s” is not one of the options A to %(last)s."),
            letter=letter[:10],
            last=chr(ord("A") + len(question.choices) - 1),
        )
        return
    question.choices[ord(letter) - ord("A")].fraction = Decimal(1)


def export_aiken(questions: list[Question]) -> str:
    """Write single-choice questions as Aiken. Names, categories, feedback and
    text formats are not part of Aiken and are left out. Raises
    InterchangeError listing (1-based question index, message) for
    questions Aiken cannot express."""
    errors: list[tuple[int, str]] = []
    chunks: list[str] = []
    for index, question in enumerate(questions, 1):
        problem = _problem(question)
        if problem:
            errors.append((index, problem))
            continue
        right = next(i for i, c in enumerate(question.choices) if c.fraction == 1)
        lines = [question.text.strip(_WS)]
        lines += [
            f"{chr(ord('A') + i)}. {c.text.strip(_WS)}"
            for i, c in enumerate(question.choices)
        ]
        lines.append(f"ANSWER: {chr(ord('A') + right)}")
        chunks.append("\n".join(lines))
    if errors:
        raise InterchangeError(errors)
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _single_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text and not _BAD_CHAR.search(text)


def _problem(question: Question) -> str | None:
    """Why Aiken cannot express this question, or None."""
    if question.type != "single":
        return _(
            "Aiken only has single-choice questions; this one is of type “%(type)s”."
        ) % {"type": type_label(question.type)}
    if not 2 <= len(question.choices) <= MAX_OPTIONS:
        return _("Aiken needs 2 to %(max)s options (this question has %(count)s).") % {
            "max": MAX_OPTIONS,
            "count": len(question.choices),
        }
    right = [c for c in question.choices if c.fraction == 1]
    if len(right) != 1 or any(
        c.fraction != 0 for c in question.choices if c.fraction != 1
    ):
        return _("Aiken needs exactly one right answer and no partial credit.")
    text = question.text.strip(_WS)
    if not text or not _single_line(text):
        return _("Aiken needs the question text on a single line.")
    if _OPTION.fullmatch(text) or _ANSWER.fullmatch(text):
        return _(
            "The question text would read as an option or an ANSWER line in Aiken."
        )
    for choice in question.choices:
        if not choice.text.strip(_WS) or not _single_line(choice.text):
            return _("Aiken needs every option on a single, non-empty line.")
    return None
