"""The form of an attempt, built from its frozen questions. Only ids and texts
reach the page: fractions, right answers and feedback stay on the server."""

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _


def _field_name(position, suffix=""):
    return f"q{position}{'-' + suffix if suffix else ''}"


class AttemptForm(forms.Form):
    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self._add_fields(row)

    def _add_fields(self, row):
        snap, position = row.snapshot, row.position
        kind = snap["type"]
        label = strip_tags(snap["text"])
        response = row.response or {}
        if kind == "single":
            self.fields[_field_name(position)] = forms.ChoiceField(
                label=label,
                required=False,
                widget=forms.RadioSelect,
                choices=[(c["id"], c["text"]) for c in snap["choices"]],
                initial=response.get("choice"),
            )
        elif kind == "multiple":
            self.fields[_field_name(position)] = forms.MultipleChoiceField(
                label=label,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(c["id"], c["text"]) for c in snap["choices"]],
                initial=response.get("choices"),
            )
        elif kind == "truefalse":
            value = response.get("value")
            self.fields[_field_name(position)] = forms.ChoiceField(
                label=label,
                required=False,
                widget=forms.RadioSelect,
                choices=[("true", _("True")), ("false", _("False"))],
                initial=None if value is None else ("true" if value else "false"),
            )
        elif kind in ("short", "numerical"):
            attrs = (
                {"inputmode": "decimal"}
                if kind == "numerical"
                else {"autocomplete": "off"}
            )
            self.fields[_field_name(position)] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs=attrs),
                initial=response.get("text" if kind == "short" else "value"),
            )
        elif kind == "matching":
            options = [("", _("— choose —"))] + [
                (o, o) for o in snap.get("options", [])
            ]
            matches = response.get("matches") or {}
            for pair in snap["pairs"]:
                self.fields[_field_name(position, pair["id"])] = forms.ChoiceField(
                    label=pair["prompt"],
                    required=False,
                    choices=options,
                    initial=matches.get(pair["id"]),
                )
        elif kind == "ordering":
            count = len(snap["items"])
            places = [("", "—")] + [(str(n), str(n)) for n in range(1, count + 1)]
            order = response.get("order") or []
            for item in snap.get("shown_items", snap["items"]):
                initial = (
                    str(order.index(item["id"]) + 1) if item["id"] in order else ""
                )
                self.fields[_field_name(position, item["id"])] = forms.ChoiceField(
                    label=item["text"],
                    required=False,
                    choices=places,
                    initial=initial,
                )

    def fields_for(self, row):
        prefix = _field_name(row.position)
        return [
            self[name]
            for name in self.fields
            if name == prefix or name.startswith(prefix + "-")
        ]

    def responses(self):
        """{position: response} for the questions that were answered."""
        data, result = self.cleaned_data, {}
        for row in self.rows:
            snap, position = row.snapshot, row.position
            kind, value = snap["type"], data.get(_field_name(position))
            if kind == "single" and value:
                result[position] = {"choice": value}
            elif kind == "multiple" and value:
                result[position] = {"choices": list(value)}
            elif kind == "truefalse" and value:
                result[position] = {"value": value == "true"}
            elif kind == "short" and value and value.strip():
                result[position] = {"text": value.strip()}
            elif kind == "numerical" and value and value.strip():
                result[position] = {"value": value.strip()}
            elif kind == "matching":
                matches = {
                    pair["id"]: data.get(_field_name(position, pair["id"]))
                    for pair in snap["pairs"]
                    if data.get(_field_name(position, pair["id"]))
                }
                if matches:
                    result[position] = {"matches": matches}
            elif kind == "ordering":
                places = {
                    item["id"]: data.get(_field_name(position, item["id"]))
                    for item in snap["items"]
                }
                if all(places.values()):
                    order = sorted(places, key=lambda item_id: int(places[item_id]))
                    result[position] = {"order": order}
        return result
