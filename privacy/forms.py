from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EraseForm(forms.Form):
    """An account holder confirms the erasure of their own account."""

    password = forms.CharField(
        label=gettext_lazy("Your password"), widget=forms.PasswordInput, strip=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account will be closed and my name and e-mail "
            "address removed for good."
        )
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."))
        return password


class ReasonForm(forms.Form):
    """A programme manager records why a participant's data is erased."""

    reason = forms.CharField(
        label=gettext_lazy("Reason (recorded in the audit log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
