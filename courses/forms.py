from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kalanso.accounts.models import Region
from kalanso.ids import IdChoiceField

from .models import Audience, CoursePage, Theme


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=100)
    audience = IdChoiceField(
        label=_("Audience"),
        queryset=Audience.objects.all(),
        required=False,
        empty_label=_("All audiences"),
        to_field_name="code",
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *CoursePage.Level.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *settings.LANGUAGES],
    )


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=100)
    region = IdChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        to_field_name="code",
    )
    theme = IdChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("All themes"),
        to_field_name="code",
    )


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your private note"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only you can read this note. Leave it empty to delete it."),
    )
