"""Forms for a session's participants: one person, an account link, a claim
code, an upload, the attendance grid, paper-test scores and feedback. They
check what was typed; ``trainers.services`` writes it."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalanso.ids import parse_id

from .. import importing
from ..models import Attendance, Participant
from ..services import PERSON_FIELDS


def _no_control_characters(value):
    if importing.has_control_characters(value):
        raise forms.ValidationError(
            _("This value contains invisible control characters.")
        )
    return value


class ParticipantForm(forms.ModelForm):
    """One person entered (or corrected) by the session's trainer."""

    class Meta:
        model = Participant
        fields = PERSON_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
        }

    def clean_full_name(self):
        name = " ".join(_no_control_characters(self.cleaned_data["full_name"]).split())
        if not name:
            raise forms.ValidationError(_("A name is required."))
        return name

    def clean_role(self):
        return _no_control_characters(self.cleaned_data["role"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not importing.PHONE.fullmatch(phone):
            raise forms.ValidationError(importing.phone_message())
        return phone

    def person(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class LinkAccountForm(forms.Form):
    """The address of the person's account. Whether an account uses it is
    not checked here: the form must not tell the trainer."""

    email = forms.EmailField(
        label=gettext_lazy("E-mail address of the person's account"), max_length=254
    )


class LinkAnswerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", "accept"), ("decline", "decline")],
        widget=forms.HiddenInput,
    )


class ClaimForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Your participant code"),
        max_length=40,
        help_text=gettext_lazy(
            "The code your trainer gave you, for example ABCDE-23456."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Participant list (CSV or Excel .xlsx)"),
        help_text=gettext_lazy("At most 2 MB and 1000 rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class AttendanceForm:
    """The grid of registered participants × session days, as checkboxes
    named ``present`` with values ``<participant>:<day>``; the rows shown are
    listed in ``row`` fields, so people added in the meantime are left alone,
    and the cells ticked when the page was loaded in ``was`` fields, so that
    only the cells this user changed are written: two trainers marking the
    grid at the same time do not undo each other's ticks."""

    def __init__(self, session, participants, data=None):
        self.session = session
        self.participants = list(participants)
        self.days = session.days
        self.data = data

    def initial(self) -> set[str]:
        marks = Attendance.objects.filter(
            participant__in=self.participants, present=True
        ).values_list("participant_id", "day")
        return {f"{pk}:{day.isoformat()}" for pk, day in marks}

    def rows(self):
        checked = set(self.data.getlist("present")) if self.data is not None else None
        was = set(self.data.getlist("was")) if self.data is not None else None
        if checked is None:
            checked = was = self.initial()
        for person in self.participants:
            cells = []
            for day in self.days:
                value = f"{person.pk}:{day.isoformat()}"
                cells.append(
                    {
                        "day": day,
                        "value": value,
                        "checked": value in checked,
                        "was": value in was,
                    }
                )
            yield person, cells

    def marks(self) -> tuple[set[int], set[tuple[int, date]], set[tuple[int, date]]]:
        """What was posted, for ``services.attendance_record``: the people
        whose rows were shown, the (participant, day) cells ticked now, and
        those ticked when the page was loaded. Anything else is ignored."""
        known = {person.pk for person in self.participants}
        shown = {pk for pk in map(parse_id, self.data.getlist("row")) if pk in known}
        return shown, self._cells("present"), self._cells("was")

    def _cells(self, name) -> set[tuple[int, date]]:
        posted = set(self.data.getlist(name))
        return {
            (person.pk, day)
            for person in self.participants
            for day in self.days
            if f"{person.pk}:{day.isoformat()}" in posted
        }


class ScoresForm(forms.Form):
    """Pre- and post-test scores typed from the marked papers, as percentages
    or as points out of a common total. Blank means not known.

    Each score travels with the value the page showed (hidden ``was_…``
    fields): only the cells this user changed are checked, and ``changed``
    holds them for ``services.scores_record``, so two trainers typing scores
    at the same time do not wipe each other's."""

    PERCENT, POINTS = "percent", "points"
    unit = forms.ChoiceField(
        label=gettext_lazy("Scores are entered as"),
        choices=[
            (PERCENT, gettext_lazy("percentages (0–100)")),
            (POINTS, gettext_lazy("points, out of the total below")),
        ],
        widget=forms.RadioSelect,
        initial=PERCENT,
    )
    out_of = forms.CharField(
        label=gettext_lazy("Total points of the test (“out of”)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        self.changed: dict[tuple[int, str], Decimal | None] = {}
        for person in self.participants:
            for which in ("pre", "post"):
                name = f"{which}_{person.pk}"
                self.fields[name] = forms.CharField(
                    label=f"{person.full_name}",
                    required=False,
                    max_length=10,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                )
                self.fields[f"was_{name}"] = forms.CharField(
                    required=False, widget=forms.HiddenInput
                )
                score = _show(getattr(person, f"{which}_score"))
                self.initial[name] = self.initial[f"was_{name}"] = score

    @staticmethod
    def number(text):
        text = (text or "").strip().rstrip("%").strip().replace(",", ".")
        text = text.replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return "invalid"
        if not value.is_finite():
            return "invalid"
        return value

    @classmethod
    def same(cls, typed, shown) -> bool:
        """The cell holds what the page showed (1,5 and 1.50 are the same)."""
        first, second = cls.number(typed), cls.number(shown)
        if first == "invalid" or second == "invalid":
            return (typed or "").strip() == (shown or "").strip()
        return first == second

    def clean_out_of(self):
        raw = self.cleaned_data.get("out_of", "")
        if self.cleaned_data.get("unit") != self.POINTS:
            return None
        value = self.number(raw)
        if value is None:
            raise forms.ValidationError(_("Give the total points of the test."))
        if value == "invalid" or value <= 0 or value > 1000:
            raise forms.ValidationError(
                _("The total must be a number above 0 and at most 1000.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        self.changed = {}
        unit = cleaned.get("unit")
        out_of = cleaned.get("out_of")
        if unit is None or (unit == self.POINTS and out_of is None):
            return cleaned
        for person in self.participants:
            for which in ("pre", "post"):
                name = f"{which}_{person.pk}"
                if name not in cleaned:
                    continue
                if self.same(cleaned[name], cleaned.get(f"was_{name}", "")):
                    continue  # not touched on this page: left as it is
                value = self.number(cleaned[name])
                if value == "invalid":
                    self.add_error(name, _("Not a number."))
                    continue
                if value is not None and unit == self.POINTS:
                    if value < 0 or value > out_of:
                        self.add_error(
                            name,
                            _("Between 0 and %(max)s points.") % {"max": _show(out_of)},
                        )
                        continue
                    value = value * 100 / out_of
                if value is not None:
                    # Checked before rounding too: quantize() fails on 1e99.
                    if not -1 < value < 101:
                        self.add_error(name, _("Between 0 and 100 %."))
                        continue
                    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                    if value < 0 or value > 100:
                        self.add_error(name, _("Between 0 and 100 %."))
                        continue
                cleaned[name] = value
                self.changed[(person.pk, which)] = value
        return cleaned

    def rows(self):
        for person in self.participants:
            pre, post = self[f"pre_{person.pk}"], self[f"post_{person.pk}"]
            was = [self[f"was_pre_{person.pk}"], self[f"was_post_{person.pk}"]]
            yield person, pre, post, [*pre.errors, *post.errors], was


def _show(value):
    """12.50 → "12.5", 40.00 → "40", None → ""."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this training?"),
        coerce=int,
        choices=[
            (1, gettext_lazy("1 — Not at all satisfied")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, gettext_lazy("5 — Very satisfied")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a number from 1 to 5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 30}),
        help_text=gettext_lazy("Anonymous. At most 2000 characters."),
    )
