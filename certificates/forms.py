"""Forms: checking a code, and the programme managers' search, revocation
and reissue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Credential


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=64,
        help_text=_(
            "The 12-character code printed under the QR code, for example "
            "ABCD-EFGH-JKMN. Letters and dashes may be typed in any case."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class SearchForm(forms.Form):
    STATE_CHOICES = [("", _("Any status")), *Credential.State.choices]

    q = forms.CharField(
        label=_("Holder's name or code"), required=False, max_length=150
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Credential.Kind.choices],
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=STATE_CHOICES)
    issued_from = forms.DateField(
        label=_("Awarded from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    issued_to = forms.DateField(
        label=_("Awarded until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and end < start:
            self.add_error("issued_to", _("The end date is before the start date."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the audit log. The verification page shows only that the "
            "certificate was revoked, and when."
        ),
    )


class ReissueForm(forms.Form):
    holder_name = forms.CharField(
        label=_("Name as it should be printed"), max_length=150
    )
    reason = forms.CharField(
        label=_("What was wrong"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
