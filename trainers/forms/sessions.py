"""Forms for cascade sessions: details, filters, cancelling, the report and
its photos, the review of a report and observations of co-facilitators."""

import unicodedata
from itertools import groupby

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from courses import localized
from courses.models import CoursePage
from kalanso.accounts.models import Region
from kalanso.ids import IdChoiceField, IdMultipleChoiceField, bounded_formfield

from ..models import (
    CascadeSession,
    Place,
    ReportReview,
    SpokenLanguage,
    TrainerProfile,
)

MAX_DAYS = 60


class CourseSelect(localized.LanguageSelect, forms.Select):
    pass


class CourseChoiceField(IdChoiceField):
    """One option per course, titled in the reader's language where it has a
    version (``courses.localized.reader_courses``); another language's title
    is marked with ``lang``."""

    widget = CourseSelect

    def label_from_instance(self, obj):
        return obj.title


class TrainerChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.full_name or obj.email} — {obj.trainer_profile.get_level_display()}"
        )


def live_courses(keep=None):
    return localized.reader_courses(keep=keep)


def grouped_places():
    """Places grouped by region, for a <select> with <optgroup>s."""
    places = Place.objects.select_related("region").order_by(
        "region__sort_order", "kind", "name"
    )
    return [
        (str(region), [(place.pk, str(place)) for place in group])
        for region, group in groupby(places, key=lambda place: place.region)
    ]


class SessionForm(forms.ModelForm):
    """A session's details. The lead trainer is the person creating it;
    co-facilitators are active members of the pool at co-facilitator level or
    above, other than the lead."""

    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    co_facilitators = TrainerChoiceField(
        label=_("Co-facilitators"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CascadeSession
        formfield_callback = bounded_formfield
        fields = [
            "title",
            "course",
            "start_date",
            "end_date",
            "region",
            "place",
            "venue",
            "mode",
            "languages",
            "capacity",
            "is_public",
            "co_facilitators",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "languages": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "place": _(
                "Refugee camps belong to the region “Outside Mali”. "
                "Leave empty if the place must stay discreet."
            ),
            "capacity": _(
                "Seats for participants. Raising it gives the new seats to the "
                "waiting list."
            ),
        }

    def __init__(self, *args, lead, can_choose_cofacilitators=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        current = self.instance.course if self.instance.course_id else None
        self.fields["course"].queryset = live_courses(keep=current)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["region"].empty_label = None
        self.fields["place"].queryset = Place.objects.all()
        self.fields["place"].choices = [
            ("", _("— Not given —")),
            *grouped_places(),
        ]
        self.fields["languages"].queryset = SpokenLanguage.objects.all()
        self.fields["capacity"].widget.attrs.update(min=1, max=500)
        if can_choose_cofacilitators:
            self.fields["co_facilitators"].queryset = (
                get_user_model()
                .objects.filter(
                    trainer_profile__level__gte=TrainerProfile.Level.CO_FACILITATOR,
                    trainer_profile__status=TrainerProfile.Status.ACTIVE,
                    is_active=True,
                )
                .exclude(pk=lead.pk)
                .select_related("trainer_profile")
                .order_by("full_name", "pk")
            )
        else:
            del self.fields["co_facilitators"]

    def clean_title(self):
        title = self.cleaned_data["title"]
        # The title goes into e-mail subjects and calendar summaries: one line
        # of visible characters (no line or paragraph separators either).
        if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in title):
            raise forms.ValidationError(
                _("The title must fit on one line, without control characters.")
            )
        return title

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            if end < start:
                self.add_error(
                    "end_date", _("The last day cannot be before the first day.")
                )
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "end_date",
                    _("A session lasts at most %(days)s days.") % {"days": MAX_DAYS},
                )
        region, place = cleaned.get("region"), cleaned.get("place")
        if region and place and place.region_id != region.pk:
            self.add_error(
                "place",
                _(
                    "“%(place)s” is not in the region %(region)s. "
                    "Refugee camps belong to the region “Outside Mali”."
                )
                % {"place": place, "region": region},
            )
        return cleaned


class SessionFilterForm(forms.Form):
    """Filters of the list of all sessions (GET)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *CascadeSession.Status.choices],
    )
    region = IdChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        to_field_name="code",
    )
    course = CourseChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=_("All courses"),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = live_courses()

    def filter(self, sessions):
        """Apply the valid filters; invalid ones are ignored (and shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("status"):
            sessions = sessions.filter(status=data["status"])
        if data.get("region"):
            sessions = sessions.filter(region=data["region"])
        if data.get("course"):
            # The course in any language: sessions name one version of it.
            sessions = sessions.filter(
                course__translation_key=data["course"].translation_key
            )
        # Sessions overlapping the period.
        if data.get("start"):
            sessions = sessions.filter(end_date__gte=data["start"])
        if data.get("end"):
            sessions = sessions.filter(start_date__lte=data["end"])
        return sessions


class UpcomingFilterForm(forms.Form):
    region = IdChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        to_field_name="code",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the people registered, with the cancellation notice."),
        error_messages={"required": _("Give a reason for cancelling.")},
    )


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative report"),
        max_length=50_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "What happened, what worked, what did not. Simple formatting is "
            "kept (paragraphs, bold, italics, lists, links); anything else is "
            "removed."
        ),
    )


class PhotoForm(forms.Form):
    """The file is checked and cleaned by ``services.photo_add`` (one decode)."""

    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG or WebP, at most 8 MB. Location and camera data are "
            "removed. Make sure everyone shown agreed to be photographed."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
        error_messages={"required": _("Choose a photo to upload.")},
    )
    alt_text = forms.CharField(
        label=_("Description (alternative text)"),
        max_length=250,
        help_text=_("What the photo shows, for people who cannot see it."),
        error_messages={"required": _("Describe what the photo shows.")},
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ReportReview.Decision.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comments"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you send the report back."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == ReportReview.Decision.SENT_BACK
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say what should change in the report."))
        return cleaned


class ObservationForm(forms.Form):
    trainer = IdChoiceField(
        label=_("Co-facilitator observed"),
        queryset=get_user_model().objects.none(),
    )
    report = forms.CharField(
        label=_("Observation report"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "How the co-facilitator prepared, facilitated and handled the group."
        ),
    )
    satisfactory = forms.BooleanField(
        label=_("Ready to train on their own"), required=False, initial=True
    )

    def __init__(self, *args, session, observer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = session.co_facilitators.exclude(
            pk=observer.pk
        ).order_by("full_name", "pk")
