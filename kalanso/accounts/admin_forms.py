"""Wagtail admin user forms for Kalanso's user model (full name, no first/last)."""

from django import forms

from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User

PROFILE_FIELDS = [
    "full_name",
    "organisation",
    "job_title",
    "region",
    "preferred_language",
]


class KalansoUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        model = User
        fields = {"email", "is_superuser", "groups", *PROFILE_FIELDS}
        widgets = {"groups": forms.CheckboxSelectMultiple}


class KalansoUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        model = User
        fields = {"email", "is_active", "is_superuser", "groups", *PROFILE_FIELDS}
        widgets = {"groups": forms.CheckboxSelectMultiple}
