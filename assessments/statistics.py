"""Quiz statistics in the manner of Moodle's quiz statistics report, computed
in the database.

Every function runs a fixed, small number of queries whatever the number of
attempts: sums, counts and groupings are done by SQL aggregates, and Python
only combines the handful of numbers they return (``QUERIES`` gives the
count per function; the tests hold them to it).

Which attempts count: submitted attempts of the quiz; with ``first_only`` only
each person's first attempt (``Attempt.number == 1``), as Moodle's "first
attempt" option.

Questions are grouped by the question id frozen in each attempt's snapshot
(``snapshot["question_id"]``, equal to ``AttemptQuestion.question_id`` while the
question exists), so a question deleted from the bank keeps its statistics.

Definitions (x = a question's fraction 0..1 in one attempt):

- *facility index*: mean of x × 100 (Moodle's facility index);
- *standard deviation*: sample standard deviation of x × 100;
- *discrimination index*: Moodle's definition, 100 × the Pearson correlation
  between x and the score of the rest of the test in the same attempt
  (attempt score − this question's mark), so a question is not correlated
  with itself. Computed from five SQL sums per question (Σx, Σy, Σxy, Σx²,
  Σy²) with r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)); ``None``
  when either side has no variance (e.g. everybody got the question right).
  Moodle reads > 30 as good, 20–30 as fair, < 20 as weak and < 0 as a
  question that rewards the weaker trainees.
"""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Answer, Attempt, AttemptQuestion, Quiz

BINS = 10
CHOICE_TYPES = ("single", "multiple", "truefalse")
# Queries each function runs, whatever the number of attempts (asserted in tests).
QUERIES = {"quiz_summary": 2, "question_statistics": 2, "answer_frequencies": 3}


class ChoiceFrequency(NamedTuple):
    """How many times one option was chosen. ``correct``: the option earns
    marks (fraction > 0) or is the right value of a true/false question."""

    text: str
    count: int
    correct: bool


def submitted_attempts(*, quiz: Quiz, first_only: bool = False) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(
        quiz=quiz, state=Attempt.State.SUBMITTED, percent__isnull=False
    )
    if first_only:
        attempts = attempts.filter(number=1)
    return attempts


def submitted_rows(
    *, quiz: Quiz, first_only: bool = False
) -> QuerySet[AttemptQuestion]:
    rows = AttemptQuestion.objects.filter(
        attempt__quiz=quiz,
        attempt__state=Attempt.State.SUBMITTED,
        attempt__percent__isnull=False,
    )
    if first_only:
        rows = rows.filter(attempt__number=1)
    return rows


def question_key():
    """The attempt row's question: the indexed foreign key, or — for a question
    since deleted from the bank — the id frozen in the snapshot (SQL's COALESCE
    only reads the JSON for those rows)."""
    return Coalesce(
        F("question_id"), Cast(KT("snapshot__question_id"), BigIntegerField())
    )


def _float(expression) -> Cast:
    return Cast(expression, FloatField())


def _round(value: float | None, digits: int = 2) -> float | None:
    """Round half up, as people do (55.555 → 55.56), after removing the noise
    of float sums (55.55499999999 is 55.555)."""
    if value is None:
        return None
    exact = Decimal(repr(round(value, 9)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _sample_sd(n: int, total: float, total_sq: float) -> float | None:
    if n < 2:
        return None
    variance = (total_sq - total * total / n) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def pearson(
    n: int, sx: float, sy: float, sxy: float, sxx: float, syy: float
) -> float | None:
    """Pearson's r from the sums of x, y, xy, x² and y²; None without variance."""
    if n < 2:
        return None
    covariance = n * sxy - sx * sy
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    # Sums of floats: treat tiny negatives and near-zero variances as none.
    scale_x = max(n * sxx, 1.0) * 1e-12
    scale_y = max(n * syy, 1.0) * 1e-12
    if var_x <= scale_x or var_y <= scale_y:
        return None
    return max(-1.0, min(1.0, covariance / math.sqrt(var_x * var_y)))


def quiz_summary(*, quiz: Quiz, first_only: bool = False) -> dict[str, Any]:
    """Attempts, people, mean, median and standard deviation of the percent,
    pass rate and the distribution of percents in ten bins. Two queries."""
    attempts = submitted_attempts(quiz=quiz, first_only=first_only)
    percent = _float("percent")
    bins = {}
    for i in range(BINS):
        in_bin = Q(percent__gte=i * 100 // BINS)
        if i < BINS - 1:  # the last bin includes 100 %
            in_bin &= Q(percent__lt=(i + 1) * 100 // BINS)
        bins[f"bin_{i}"] = Count("pk", filter=in_bin)
    totals = attempts.aggregate(
        attempts=Count("pk"),
        people=Count("user", distinct=True),
        passed=Count("pk", filter=Q(passed=True)),
        total=Sum(percent),
        total_sq=Sum(percent * percent),
        lowest=Min("percent"),
        highest=Max("percent"),
        **bins,
    )
    n = totals["attempts"]
    total = totals["total"] or 0.0
    median = None
    if n:
        # The middle one or two values: one ordered OFFSET/LIMIT query.
        middle = list(
            attempts.order_by("percent").values_list("percent", flat=True)[
                (n - 1) // 2 : n // 2 + 1
            ]
        )
        median = (sum(middle, Decimal(0)) / len(middle)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    distribution = [
        {
            "low": i * 100 // BINS,
            "high": (i + 1) * 100 // BINS,
            "count": totals[f"bin_{i}"],
            "share": _round(100 * totals[f"bin_{i}"] / n) if n else 0.0,
        }
        for i in range(BINS)
    ]
    return {
        "attempts": n,
        "people": totals["people"],
        "mean": _round(total / n) if n else None,
        "median": None if median is None else float(median),
        "standard_deviation": _round(_sample_sd(n, total, totals["total_sq"] or 0.0)),
        "lowest": None if totals["lowest"] is None else float(totals["lowest"]),
        "highest": None if totals["highest"] is None else float(totals["highest"]),
        "passed": totals["passed"],
        "pass_rate": _round(100 * totals["passed"] / n) if n else None,
        "pass_mark": float(quiz.pass_mark),
        "distribution": distribution,
    }


def _plain(html: str, length: int = 120) -> str:
    return Truncator(" ".join(strip_tags(html or "").split())).chars(length)


def question_statistics(
    *, quiz: Quiz, first_only: bool = False
) -> list[dict[str, Any]]:
    """One row per question of the submitted attempts, in position order:
    attempts, facility index, standard deviation, discrimination index (see
    the module docstring). Two queries."""
    x = _float(Coalesce("fraction", Value(Decimal(0))))
    mark = _float(Coalesce("mark", Value(Decimal(0))))
    rest = _float(F("attempt__score")) - mark  # score on the rest of the test
    groups = list(
        submitted_rows(quiz=quiz, first_only=first_only)
        .values(key=question_key())
        .annotate(
            n=Count("pk"),
            position=Min("position"),
            sample=Max("pk"),
            sx=Sum(x),
            sxx=Sum(x * x),
            sy=Sum(rest),
            syy=Sum(rest * rest),
            sxy=Sum(x * rest),
            marks=Sum(mark),
        )
        .order_by("position", "key")
    )
    snapshots = dict(
        AttemptQuestion.objects.filter(pk__in=[g["sample"] for g in groups])
        .order_by()
        .values_list("pk", "snapshot")
    )
    result = []
    for group in groups:
        n = group["n"]
        snapshot = snapshots.get(group["sample"], {})
        sx, sxx = group["sx"] or 0.0, group["sxx"] or 0.0
        sd = _sample_sd(n, sx, sxx)
        r = pearson(
            n, sx, group["sy"] or 0.0, group["sxy"] or 0.0, sxx, group["syy"] or 0.0
        )
        result.append(
            {
                "question_id": group["key"],
                "position": group["position"],
                "type": snapshot.get("type", ""),
                "text": _plain(snapshot.get("text", "")),
                "mark": float(Decimal(str(snapshot.get("mark", "1")))),
                "attempts": n,
                "mean_mark": _round((group["marks"] or 0.0) / n, 3),
                "facility": _round(100 * sx / n),
                "standard_deviation": _round(None if sd is None else 100 * sd),
                "discrimination": _round(None if r is None else 100 * r),
            }
        )
    return result


def _labels(snapshots) -> dict[int, dict]:
    """For each question, {choice id: (text, correct)} merged over the
    versions seen (newest wins), and its type."""
    labels: dict[int, dict] = {}
    for snapshot in sorted(snapshots, key=lambda s: int(s.get("version") or 0)):
        key = int(snapshot["question_id"])
        entry = labels.setdefault(key, {"type": snapshot["type"], "choices": {}})
        entry["type"] = snapshot["type"]
        if snapshot["type"] == "truefalse":
            correct = bool(snapshot.get("correct"))
            entry["choices"] = {
                True: (_("True"), correct),
                False: (_("False"), not correct),
            }
        else:
            for choice in snapshot.get("choices", []):
                entry["choices"][choice["id"]] = (
                    choice["text"],
                    Decimal(str(choice.get("fraction", "0"))) > 0,
                )
    return labels


def _chosen(question_type: str, response) -> list:
    """The options picked in one response (ids, or a bool for true/false)."""
    if not isinstance(response, dict):
        return []
    if question_type == "single":
        choice = response.get("choice")
        return [choice] if isinstance(choice, str) and choice else []
    if question_type == "multiple":
        choices = response.get("choices")
        if not isinstance(choices, list):
            return []
        return list(dict.fromkeys(c for c in choices if isinstance(c, str)))
    value = response.get("value")
    return [value] if isinstance(value, bool) else []


def answer_frequencies(
    *, quiz: Quiz, first_only: bool = False
) -> dict[int, list[ChoiceFrequency]]:
    """How often each option of the single-, multiple-choice and true/false
    questions was chosen, keyed by question id: every option in the bank's
    order (zeros included), then options no longer in the bank, then a
    "No answer" line when some attempts left the question blank. Three queries.

    Responses are counted by grouping on their JSON text (portable across
    SQLite and PostgreSQL, JSON arrays included): the number of groups is
    bounded by the combinations of options, not by the number of attempts.
    """
    rows = submitted_rows(quiz=quiz, first_only=first_only).filter(
        snapshot__type__in=CHOICE_TYPES
    )
    grouped = (
        rows.values(key=question_key(), answer=Cast("response", TextField()))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, list[tuple[Any, int]]] = {}
    for group in grouped:
        response = json.loads(group["answer"]) if group["answer"] else None
        counts.setdefault(group["key"], []).append((response, group["n"]))
    # One snapshot per question version, to name the options.
    newest_per_version = (
        rows.values(key=question_key(), version=KT("snapshot__version"))
        .annotate(last=Max("pk"))
        .order_by()
        .values("last")
    )
    labels = _labels(
        AttemptQuestion.objects.filter(pk__in=Subquery(newest_per_version))
        .order_by()
        .values_list("snapshot", flat=True)
    )
    # Show options in the bank's order, not in an attempt's shuffled order.
    bank_order = {
        str(key): (question_id, sort_order if sort_order is not None else 0)
        for key, question_id, sort_order in Answer.objects.filter(
            question_id__in=list(labels)
        ).values_list("key", "question_id", "sort_order")
    }
    frequencies: dict[int, list[ChoiceFrequency]] = {}
    for key, label in labels.items():
        tally: dict[Any, int] = dict.fromkeys(label["choices"], 0)
        blank = 0
        for response, n in counts.get(key, []):
            chosen = _chosen(label["type"], response)
            if not chosen:
                blank += n
            for option in chosen:
                tally[option] = tally.get(option, 0) + n

        def order(option, key=key, label=label):
            if label["type"] == "truefalse":
                return (0, 0 if option is True else 1, "")
            place = bank_order.get(option)
            if place and place[0] == key:
                return (0, place[1], "")
            # Options no longer in the bank: after the others, by text.
            return (1, 0, str(label["choices"].get(option, ("",))[0]))

        options = sorted(tally, key=order)
        frequencies[key] = [
            ChoiceFrequency(
                text=label["choices"].get(option, (_("Unknown option"), False))[0],
                count=tally[option],
                correct=label["choices"].get(option, ("", False))[1],
            )
            for option in options
        ]
        if blank:
            frequencies[key].append(ChoiceFrequency(_("No answer"), blank, False))
    return frequencies
