"""The dashboard's filters: period, region, course, organisation type."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from kalanso.accounts.models import Organisation, Region
from kalanso.ids import IdChoiceField


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to. ``course`` is a course's
    translation key: every language version of the course counts."""

    start: date | None = None
    end: date | None = None
    region: str = ""  # Region.code
    course: uuid.UUID | None = None
    org_type: str = ""
    # Resolved once (see :func:`resolve`): ids, not joins, in the big queries.
    region_id: int | None = field(default=None, compare=False)
    course_ids: tuple = field(default=(), compare=False)

    @property
    def key(self) -> str:
        return "|".join(
            str(v or "")
            for v in (self.start, self.end, self.region, self.course, self.org_type)
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.start or self.end or self.region or self.course or self.org_type
        )

    def as_dict(self) -> dict:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "region": self.region or None,
            "course": str(self.course) if self.course else None,
            "organisation_type": self.org_type or None,
        }


def resolve(filters: Filters) -> Filters:
    """The same filters with the region id and the course page ids looked up
    (two small queries at most)."""
    region_id = None
    if filters.region:
        region_id = (
            Region.objects.filter(code=filters.region).values_list("pk", flat=True)
        ).first() or -1
    course_ids = ()
    if filters.course:
        course_ids = tuple(
            CoursePage.objects.filter(translation_key=filters.course).values_list(
                "pk", flat=True
            )
        ) or (-1,)
    return Filters(
        start=filters.start,
        end=filters.end,
        region=filters.region,
        course=filters.course,
        org_type=filters.org_type,
        region_id=region_id,
        course_ids=course_ids,
    )


def course_choices() -> list[tuple[str, str]]:
    """One entry per course (translation key), titled in the reader's language
    where a version exists: one query."""
    language = (get_language() or "fr")[:2]
    titles: dict = {}
    for key, title, lang in CoursePage.objects.order_by("path").values_list(
        "translation_key", "title", "locale__language_code"
    ):
        if key not in titles or lang == language:
            titles[key] = title
    return sorted(((str(k), t) for k, t in titles.items()), key=lambda c: c[1].lower())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    region = IdChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    course = forms.ChoiceField(label=_("Course"), required=False)
    org_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("All types")), *Organisation.Type.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("All courses")), *course_choices()]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "aria-describedby": f"{self[name].auto_id}_error",
                        "aria-invalid": "true",
                    }
                )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period is before its start."))
        return data

    def filters(self) -> Filters:
        """The filters of a valid form (no filter for an invalid one)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            start=data.get("start"),
            end=data.get("end"),
            region=data["region"].code if data.get("region") else "",
            course=uuid.UUID(data["course"]) if data.get("course") else None,
            org_type=data.get("org_type") or "",
        )


class YearForm(forms.Form):
    """The API's only filter: a whole calendar year (see ``suppression``)."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)

    def filters(self) -> Filters:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        if not year:
            return Filters()
        return Filters(start=date(year, 1, 1), end=date(year, 12, 31))


class ExportPeriodForm(forms.Form):
    """What a file of aggregate figures may cover: all time or one calendar
    year with figures (``years``), the periods of the one published system
    (``reporting.published``). Any other filter (dates, region, course,
    organisation type) is refused: two files cut differently could be
    subtracted to give away a count the system hides."""

    year = forms.TypedChoiceField(
        label=_("Period"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            ("", _("All time")),
            *((year, str(year)) for year in years),
        ]
