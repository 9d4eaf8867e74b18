"""Forms of the trainer pool: directory search, own profile, level changes."""

from django import forms
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kalanso.accounts.models import Organisation, Region, User
from kalanso.ids import IdChoiceField, bounded_formfield

from ..lineage import COUNTED_STATUSES
from ..models import CascadeSession, Participant, SpokenLanguage, TrainerProfile

Level = TrainerProfile.Level


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    region = IdChoiceField(
        label=_("Region served"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
        to_field_name="code",
    )
    language = IdChoiceField(
        label=_("Language spoken"),
        queryset=SpokenLanguage.objects.all(),
        required=False,
        empty_label=_("All languages"),
        to_field_name="code",
    )
    organisation = IdChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("All organisations"),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All levels")), *Level.choices],
    )


class SessionChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        day = formats.date_format(obj.start_date, "SHORT_DATE_FORMAT")
        return f"{obj.title} — {obj.region} ({day})"


class ProfileEditForm(forms.ModelForm):
    """What a trainer says about themself, saved by
    ``services.trainer_profile_update``; the session in which they were
    trained goes through ``lineage.set_trained_in`` (cycles refused)."""

    trained_in = SessionChoiceField(
        label=_("The session in which I was trained"),
        queryset=CascadeSession.objects.none(),
        required=False,
        empty_label=_("None: I was trained by the programme itself"),
        help_text=_(
            "Sessions held in which you were a registered participant. "
            "This is how the programme follows the cascade."
        ),
    )

    class Meta:
        model = TrainerProfile
        formfield_callback = bounded_formfield
        fields = ["languages", "regions", "bio", "visibility", "show_email"]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
            "bio": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"bio": _("Plain text, at most 1,000 characters.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.instance
        attended = Q(
            participants__user_id=profile.user_id,
            participants__state=Participant.State.REGISTERED,
            status__in=COUNTED_STATUSES,
        )
        if profile.trained_in_id:
            # Keep the recorded session even if it was set another way.
            attended |= Q(pk=profile.trained_in_id)
        ids = CascadeSession.objects.filter(attended).values("pk")
        self.fields["trained_in"].queryset = (
            CascadeSession.objects.filter(pk__in=ids)
            .select_related("region")
            .order_by("-start_date", "-pk")
        )
        self.fields["trained_in"].initial = profile.trained_in_id


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the trainer's history."),
    )


class CertifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeLevelForm(ReasonForm):
    level = forms.TypedChoiceField(label=_("New level"), coerce=int)

    def __init__(self, *args, profile, may_touch_master, **kwargs):
        super().__init__(*args, **kwargs)
        if profile.level >= Level.CERTIFIED:
            allowed = [Level.CANDIDATE, Level.CO_FACILITATOR, Level.CERTIFIED]
            if may_touch_master:
                allowed.append(Level.MASTER)
        else:
            # Certification goes through "Certify", which checks the path.
            allowed = [Level.CANDIDATE, Level.CO_FACILITATOR]
        self.fields["level"].choices = [
            (level.value, level.label) for level in allowed if level != profile.level
        ]
        self.order_fields(["level", "reason"])


class ProfileAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the account"),
        help_text=_("The person must already have an account on Kalanso."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the trainer's history."),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None or not user.is_active:
            raise forms.ValidationError(_("There is no account with this address."))
        self.user = user
        return email
