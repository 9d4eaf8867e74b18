"""Wagtail admin user forms for Kalanso's user model (full name, no first/last)."""

from django import forms

from wagtail.admin.forms.models import formfield_for_dbfield
from wagtail.users.forms import UserCreationForm, UserEditForm

from kalanso.ids import with_bounded_ids

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
        formfield_callback = with_bounded_ids(formfield_for_dbfield)
        fields = {"email", "is_superuser", "groups", *PROFILE_FIELDS}
        widgets = {"groups": forms.CheckboxSelectMultiple}


class KalansoUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        model = User
        formfield_callback = with_bounded_ids(formfield_for_dbfield)
        fields = {"email", "is_active", "is_superuser", "groups", *PROFILE_FIELDS}
        widgets = {"groups": forms.CheckboxSelectMultiple}
