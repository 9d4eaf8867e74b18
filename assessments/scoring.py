"""Scoring of one answer against a frozen question snapshot — on the server only.

A *snapshot* is the JSON copy of a question taken when an attempt starts (see
``Question.snapshot``), so editing the bank never changes an attempt. Its keys:

- ``type``: "single", "multiple", "truefalse", "short", "numerical",
  "matching" or "ordering";
- ``choices``: ``[{"id", "text", "fraction", "feedback"}]`` (single, multiple);
- ``correct``: bool (truefalse);
- ``accepted``: ``[{"text", "fraction", "feedback"}]`` (short);
- ``numeric``: ``[{"value", "tolerance", "min", "max", "fraction", "feedback"}]``;
- ``pairs``: ``[{"id", "prompt", "answer"}]`` (matching);
- ``items``: ``[{"id", "text"}]`` in the right order (ordering).

Fractions are strings of decimals in [-1, 1]. A *response* is a dict:
``{"choice": id}``, ``{"choices": [ids]}``, ``{"value": bool}``, ``{"text": str}``,
``{"value": str}`` (numerical, "3,5" accepted), ``{"matches": {pair_id: answer}}``,
``{"order": [ids]}``. Every function returns a Decimal in [0, 1].
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)


def clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def _fraction(item) -> Decimal:
    return Decimal(str(item.get("fraction", "0")))


def normalise_text(text: str) -> str:
    """Case-, accent- and space-insensitive form of a short answer."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.casefold().split())


def parse_number(raw) -> Decimal | None:
    """Read a number as people write it here: "3,5", "3.5", " 1 000 "."""
    if raw is None:
        return None
    text = re.sub(r"[\s\u00a0\u202f]", "", str(raw)).replace(",", ".")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def score_single(snapshot, response) -> Decimal:
    chosen = response.get("choice")
    for choice in snapshot["choices"]:
        if choice["id"] == chosen:
            return clamp(_fraction(choice))
    return ZERO


def score_multiple(snapshot, response) -> Decimal:
    """Sum of the weights of the ticked options, never below 0 nor above 1."""
    chosen = response.get("choices") or []
    if not isinstance(chosen, list):
        return ZERO
    chosen = {c for c in chosen if isinstance(c, str)}
    total = sum((_fraction(c) for c in snapshot["choices"] if c["id"] in chosen), ZERO)
    return clamp(total)


def score_truefalse(snapshot, response) -> Decimal:
    value = response.get("value")
    if not isinstance(value, bool):
        return ZERO
    return ONE if value is bool(snapshot["correct"]) else ZERO


def score_short(snapshot, response) -> Decimal:
    given = normalise_text(str(response.get("text") or ""))
    if not given:
        return ZERO
    best = ZERO
    for accepted in snapshot["accepted"]:
        if normalise_text(accepted["text"]) == given:
            best = max(best, _fraction(accepted))
    return clamp(best)


def _numeric_matches(answer, number: Decimal) -> bool:
    if answer.get("min") is not None and answer.get("max") is not None:
        return Decimal(str(answer["min"])) <= number <= Decimal(str(answer["max"]))
    if answer.get("value") is None:
        return False
    tolerance = abs(Decimal(str(answer.get("tolerance") or 0)))
    return abs(number - Decimal(str(answer["value"]))) <= tolerance


def score_numerical(snapshot, response) -> Decimal:
    number = parse_number(response.get("value"))
    if number is None:
        return ZERO
    best = ZERO
    for answer in snapshot["numeric"]:
        if _numeric_matches(answer, number):
            best = max(best, _fraction(answer))
    return clamp(best)


def score_matching(snapshot, response) -> Decimal:
    """Share of prompts matched to their answer."""
    pairs = snapshot["pairs"]
    if not pairs:
        return ZERO
    matches = response.get("matches") or {}
    if not isinstance(matches, dict):
        return ZERO
    right = sum(
        1
        for pair in pairs
        if normalise_text(str(matches.get(pair["id"], "")))
        == normalise_text(pair["answer"])
    )
    return clamp(Decimal(right) / Decimal(len(pairs)))


def score_ordering(snapshot, response) -> Decimal:
    """Share of items in their right place."""
    expected = [item["id"] for item in snapshot["items"]]
    given = response.get("order") or []
    if not isinstance(given, list) or not all(isinstance(x, str) for x in given):
        return ZERO
    if not expected or sorted(given) != sorted(expected):
        return ZERO
    right = sum(1 for a, b in zip(expected, given, strict=True) if a == b)
    return clamp(Decimal(right) / Decimal(len(expected)))


SCORERS = {
    "single": score_single,
    "multiple": score_multiple,
    "truefalse": score_truefalse,
    "short": score_short,
    "numerical": score_numerical,
    "matching": score_matching,
    "ordering": score_ordering,
}


def score_response(snapshot: dict, response: dict | None) -> Decimal:
    """Fraction of the mark earned (0..1). Unknown types and malformed
    responses earn 0; they never raise."""
    scorer = SCORERS.get(snapshot.get("type"))
    if scorer is None or not isinstance(response, dict):
        return ZERO
    try:
        return scorer(snapshot, response)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return ZERO


def response_feedback(snapshot: dict, response: dict | None) -> list[str]:
    """Feedback attached to what was answered (shown when the policy allows)."""
    if not isinstance(response, dict):
        return []
    try:
        notes = _feedback_notes(snapshot, response)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return []
    return [note for note in notes if note]


def _feedback_notes(snapshot, response):
    kind = snapshot.get("type")
    notes = []
    if kind == "single":
        notes = [
            c.get("feedback", "")
            for c in snapshot["choices"]
            if c["id"] == response.get("choice")
        ]
    elif kind == "multiple":
        chosen = set(response.get("choices") or [])
        notes = [
            c.get("feedback", "") for c in snapshot["choices"] if c["id"] in chosen
        ]
    elif kind == "truefalse" and isinstance(response.get("value"), bool):
        notes = [
            snapshot.get("feedback_true" if response["value"] else "feedback_false", "")
        ]
    elif kind == "short":
        given = normalise_text(response.get("text", ""))
        notes = [
            a.get("feedback", "")
            for a in snapshot["accepted"]
            if normalise_text(a["text"]) == given
        ]
    elif kind == "numerical":
        number = parse_number(response.get("value"))
        if number is not None:
            notes = [
                a.get("feedback", "")
                for a in snapshot["numeric"]
                if _numeric_matches(a, number)
            ]
    return notes
