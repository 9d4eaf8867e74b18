"""Questions in and out of the bank through the interchange formats (GIFT,
Aiken). Imports are all-or-nothing: any problem, and nothing is written."""

import html
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.html import linebreaks, strip_tags
from django.utils.translation import gettext as _

from kalanso.sanitize import clean_html

from . import aiken, gift
from .interchange import (
    Choice,
    InterchangeError,
    NumericAnswer,
    Pair,
    Question,
    ShortAnswer,
)
from .models import Answer, QuestionCategory
from .models import Question as BankQuestion

PARSERS = {"gift": gift.parse_gift, "aiken": aiken.parse_aiken}
EXPORTERS = {"gift": gift.export_gift, "aiken": aiken.export_aiken}
SUPPORTED_TYPES = {"single", "multiple", "truefalse", "short", "numerical", "matching"}
MAX_ANSWER = 1000


def parse(text: str, file_format: str) -> list[Question]:
    """Parse and check that every question fits the bank; raises InterchangeError."""
    questions = PARSERS[file_format](text)
    errors = []
    for question in questions:
        if question.type not in SUPPORTED_TYPES:
            errors.append(
                (
                    question.line,
                    _("Questions of type “%(type)s” are not supported by the bank.")
                    % {"type": question.type},
                )
            )
        texts = [c.text for c in question.choices] + [
            a.text for a in question.short_answers
        ]
        texts += [p.prompt for p in question.pairs] + [p.answer for p in question.pairs]
        if any(len(t) > MAX_ANSWER for t in texts):
            errors.append(
                (
                    question.line,
                    _("An answer is longer than %(max)s characters.")
                    % {"max": MAX_ANSWER},
                )
            )
        if question.type == "matching" and any(not p.prompt for p in question.pairs):
            errors.append(
                (
                    question.line,
                    _("Extra matching answers without a question are not supported."),
                )
            )
    if errors:
        raise InterchangeError(errors)
    if not questions:
        raise InterchangeError([(1, _("The file contains no question."))])
    return questions


def _to_html(text: str, text_format: str) -> str:
    """GIFT texts as sanitised HTML: [html] and Moodle's auto-format may hold
    tags (kept through the allow-list); [plain] and [markdown] are text."""
    if text_format == "html":
        return clean_html(text)
    if text_format == "moodle":
        return clean_html(linebreaks(text))
    return linebreaks(html.escape(text))


def category_for_path(names) -> QuestionCategory:
    """The category at this path of the tree (names from the top), creating
    what is missing."""
    category = None
    for name in names:
        category = QuestionCategory.objects.get_or_create(
            parent=category, name=name[:200]
        )[0]
    return category


def existing_category_for_path(names) -> QuestionCategory | None:
    """The category at this path, if it exists (nothing is created)."""
    category = None
    for name in names:
        category = QuestionCategory.objects.filter(
            parent=category, name=name[:200]
        ).first()
        if category is None:
            return None
    return category


def _category_names(item: Question) -> tuple[str, ...]:
    return tuple(gift.category_names(item.category)) if item.category else ()


def _build(item: Question, category, language: str) -> BankQuestion:
    """An unsaved bank question (with its answers) for a parsed question."""
    question = BankQuestion(
        type=item.type,
        name=item.name[:255],
        text=_to_html(item.text, item.text_format),
        general_feedback=_to_html(item.general_feedback, item.text_format)
        if item.general_feedback
        else "",
        category=category,
        language=language,
    )
    answers = []
    if item.type in ("single", "multiple"):
        answers = [
            Answer(text=c.text, fraction=c.fraction, feedback=c.feedback[:1000])
            for c in item.choices
        ]
    elif item.type == "truefalse":
        question.correct_answer_true = bool(item.correct)
        question.feedback_true = item.feedback_true[:500]
        question.feedback_false = item.feedback_false[:500]
    elif item.type == "short":
        answers = [
            Answer(text=a.text, fraction=a.fraction, feedback=a.feedback[:1000])
            for a in item.short_answers
        ]
    elif item.type == "numerical":
        answers = [
            Answer(
                number=a.value,
                tolerance=a.tolerance,
                minimum=a.minimum,
                maximum=a.maximum,
                fraction=a.fraction,
                feedback=a.feedback[:1000],
            )
            for a in item.numeric_answers
        ]
    elif item.type == "matching":
        answers = [Answer(text=p.prompt, match=p.answer) for p in item.pairs]
    for order, answer in enumerate(answers):
        answer.sort_order = order
    question.answers = answers
    return question


class _Bank:
    """The content keys of the questions already in each category."""

    def __init__(self):
        self.keys: dict[int, dict[tuple, BankQuestion]] = {}

    def same_as(self, question: BankQuestion, category) -> BankQuestion | None:
        if category is None or category.pk is None:
            return None
        if category.pk not in self.keys:
            self.keys[category.pk] = {
                existing.content_key(): existing
                for existing in BankQuestion.objects.filter(
                    category=category
                ).prefetch_related("answers")
            }
        return self.keys[category.pk].get(
            question.content_key(list(question.answers.all()))
        )


def find_duplicates(
    questions: list[Question], *, default_category: QuestionCategory, language: str
) -> list[BankQuestion | None]:
    """For each parsed question, the question of its target category that is
    identical to it (same type, name, text and answers), or None. Writes
    nothing: a category that does not exist yet holds no duplicate."""
    bank, categories, found = _Bank(), {}, []
    for item in questions:
        names = _category_names(item)
        if names not in categories:
            categories[names] = (
                existing_category_for_path(names) if names else default_category
            )
        category = categories[names]
        found.append(bank.same_as(_build(item, category, language), category))
    return found


SKIP = "skip"
NEW_VERSION = "new_version"


@dataclass
class ImportResult:
    created: list[BankQuestion] = field(default_factory=list)
    skipped: list[BankQuestion] = field(default_factory=list)  # already in the bank
    new_versions: list[BankQuestion] = field(default_factory=list)


@transaction.atomic
def import_questions(
    questions: list[Question],
    *,
    default_category: QuestionCategory,
    language: str,
    duplicates: str = SKIP,
    user=None,
) -> ImportResult:
    """Write parsed questions to the bank in one transaction. A question
    identical to one that was already in its category is skipped (``duplicates=SKIP``,
    the default) or becomes a new version of that question (``NEW_VERSION``):
    either way the bank holds it once."""
    result = ImportResult()
    # Compared with the bank as it was before this import: a file may hold the
    # same question twice on purpose (Moodle's examples do).
    already = find_duplicates(
        questions, default_category=default_category, language=language
    )
    categories = {}
    for item, same in zip(questions, already, strict=True):
        if same is not None:
            if duplicates == NEW_VERSION:
                same.save()
                same.save_revision(user=user, log_action=True)
                result.new_versions.append(same)
            else:
                result.skipped.append(same)
            continue
        names = _category_names(item)
        category = default_category
        if names:
            if names not in categories:
                categories[names] = category_for_path(names)
            category = categories[names]
        question = _build(item, category, language)
        question.save()
        result.created.append(question)
    return result


def _plain(value: str) -> str:
    return html.unescape(strip_tags(value or "")).strip()


def to_interchange(question: BankQuestion) -> Question:
    """A bank question as interchange data (HTML texts, for export)."""
    answers = list(question.answers.all())
    item = Question(
        type=question.type if question.type != "ordering" else "description",
        text=question.text,
        name=question.name,
        general_feedback=question.general_feedback,
        category=gift.category_path(question.category.path_names()),
        text_format="html",
    )
    if question.type in ("single", "multiple"):
        item.choices = [
            Choice(text=a.text, fraction=Decimal(a.fraction), feedback=a.feedback)
            for a in answers
        ]
    elif question.type == "truefalse":
        item.correct = question.correct_answer_true
        item.feedback_true, item.feedback_false = (
            question.feedback_true,
            question.feedback_false,
        )
    elif question.type == "short":
        item.short_answers = [
            ShortAnswer(text=a.text, fraction=Decimal(a.fraction), feedback=a.feedback)
            for a in answers
        ]
    elif question.type == "numerical":
        item.numeric_answers = [
            NumericAnswer(
                value=a.number,
                tolerance=a.tolerance or Decimal(0),
                minimum=a.minimum,
                maximum=a.maximum,
                fraction=Decimal(a.fraction),
                feedback=a.feedback,
            )
            for a in answers
        ]
    elif question.type == "matching":
        item.pairs = [Pair(prompt=a.text, answer=a.match) for a in answers]
    return item


def export_questions(questions, file_format: str) -> str:
    """GIFT or Aiken text of bank questions; raises InterchangeError for what the
    format cannot express (e.g. ordering questions in GIFT)."""
    items, errors = [], []
    for position, question in enumerate(questions, start=1):
        if question.type == "ordering":
            errors.append(
                (position, _("Ordering questions cannot be written in this format."))
            )
            continue
        item = to_interchange(question)
        if file_format == "aiken":
            item.text = _plain(item.text)
            item.text_format = "plain"
        items.append(item)
    if errors:
        raise InterchangeError(errors)
    return EXPORTERS[file_format](items)
