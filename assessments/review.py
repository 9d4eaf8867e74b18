"""What a trainee sees after submitting: their answers and, when the quiz's
feedback policy allows, the right answers and the feedback."""

from decimal import Decimal

from django.utils.translation import gettext as _

from kalanso.display import decimal_text

from .scoring import response_feedback


def review_rows(attempt, *, show_feedback: bool, rows=None):
    rows = rows if rows is not None else attempt.questions.order_by("position")
    return [
        {
            "row": row,
            "snapshot": row.snapshot,
            "answer": describe_response(row.snapshot, row.response),
            "feedback": response_feedback(row.snapshot, row.response)
            if show_feedback
            else [],
            "key": describe_key(row.snapshot) if show_feedback else None,
        }
        for row in rows
    ]


def describe_response(snapshot, response):
    """What the trainee answered, as text."""
    response = response or {}
    kind = snapshot["type"]
    if kind in ("single", "multiple"):
        chosen = {response.get("choice")} | set(response.get("choices") or [])
        return [c["text"] for c in snapshot["choices"] if c["id"] in chosen]
    if kind == "truefalse" and isinstance(response.get("value"), bool):
        return [_("True") if response["value"] else _("False")]
    if kind == "short":
        return [response["text"]] if response.get("text") else []
    if kind == "numerical":
        return [decimal_text(response["value"])] if response.get("value") else []
    if kind == "matching":
        matches = response.get("matches") or {}
        return [
            f"{p['prompt']} → {matches[p['id']]}"
            for p in snapshot["pairs"]
            if p["id"] in matches
        ]
    if kind == "ordering":
        texts = {i["id"]: i["text"] for i in snapshot["items"]}
        return [texts.get(i, "") for i in response.get("order") or []]
    return []


def describe_key(snapshot):
    """The right answer(s), as text — only when the feedback policy allows."""
    kind = snapshot["type"]
    if kind in ("single", "multiple"):
        return [c["text"] for c in snapshot["choices"] if Decimal(c["fraction"]) > 0]
    if kind == "truefalse":
        return [_("True") if snapshot["correct"] else _("False")]
    if kind == "short":
        return [a["text"] for a in snapshot["accepted"] if Decimal(a["fraction"]) == 1]
    if kind == "numerical":
        out = []
        for a in snapshot["numeric"]:
            if a.get("min") is not None and a.get("max") is not None:
                out.append(f"{decimal_text(a['min'])} – {decimal_text(a['max'])}")
            elif a.get("value") is not None:
                tolerance = decimal_text(a.get("tolerance") or 0)
                out.append(f"{decimal_text(a['value'])} ± {tolerance}")
        return out
    if kind == "matching":
        return [f"{p['prompt']} → {p['answer']}" for p in snapshot["pairs"]]
    if kind == "ordering":
        return [i["text"] for i in snapshot["items"]]
    return []
