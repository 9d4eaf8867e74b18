from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from kalanso.ids import bounded_formfield

from .models import Organisation, Region, User
from .services import normalize_email, send_account_email


class ProfileFieldsMixin:
    """Shared choices and labels for the profile fields of sign-up and profile edit."""

    def _setup_profile_fields(self):
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = _("— none / not listed —")
        self.fields["region"].queryset = Region.objects.all()
        self.fields["region"].empty_label = _("— choose a region —")
        self.fields["gender"].choices = [("", _("— not given —")), *User.Gender.choices]


class SignupForm(ProfileFieldsMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Kalanso stores my name, e-mail address and learning "
            "records to run my training, as described in the data-protection notice."
        ),
        required=True,
        error_messages={"required": _("You must accept the data-protection notice.")},
    )

    class Meta:
        model = User
        formfield_callback = bounded_formfield
        fields = [
            "full_name",
            "email",
            "organisation",
            "job_title",
            "region",
            "preferred_language",
            "gender",
        ]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_profile_fields()
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_email(self):
        # Whether the address already has an account is not said here (nor
        # anywhere): see services.user_sign_up.
        return normalize_email(self.cleaned_data["email"])

    def validate_unique(self):
        # Nor by the model form's check that the address is unique.
        exclude = self._get_validation_exclusions() | {"email"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            probe = User(
                email=cleaned.get("email") or "",
                full_name=cleaned.get("full_name") or "",
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(ProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        formfield_callback = bounded_formfield
        fields = [
            "full_name",
            "organisation",
            "job_title",
            "region",
            "preferred_language",
            "gender",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_profile_fields()


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Please enter a correct e-mail address and password."),
        "inactive": _(
            "Your e-mail address is not confirmed yet. Follow the link we sent you, "
            "or ask for a new one below."
        ),
        "disabled": _("This account has been disabled. Contact the programme team."),
    }

    def confirm_login_allowed(self, user):
        if not user.is_active:
            code = "inactive" if user.email_confirmed_at is None else "disabled"
            raise forms.ValidationError(self.error_messages[code], code=code)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        # AuthenticationForm sets max_length after the field is built, so it
        # is only shown, not checked: check it (a clear error, no query).
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def clean_username(self):
        return normalize_email(self.cleaned_data.get("username", ""))


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with the e-mail sent in the background: the answer takes as
    long whether or not the address has an account."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_account_email.enqueue(subject=subject, body=body, to=to_email)


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
