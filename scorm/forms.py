from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .models import ScormPackage
from .packages import PackageError, inspect_package
from .services import package_create


class ScormPackageForm(WagtailAdminModelForm):
    """Upload a SCORM zip (checked before anything is stored); afterwards only
    the title can change: a new version of the content is a new package."""

    upload = forms.FileField(
        label=_("SCORM package (zip)"),
        required=False,
        help_text=_(
            "A SCORM 1.2 or SCORM 2004 zip file, with imsmanifest.xml at its root."
        ),
    )

    class Meta:
        model = ScormPackage
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifest = None
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty: the title in the package.")
        if self.instance.pk:
            del self.fields["upload"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            if not (cleaned.get("title") or "").strip():
                self.add_error("title", _("Give the package a title."))
            return cleaned
        upload = cleaned.get("upload")
        if not upload:
            self.add_error("upload", _("Choose a SCORM zip file."))
            return cleaned
        try:
            self.manifest = inspect_package(upload)
        except PackageError as error:
            self.add_error("upload", str(error))
        return cleaned

    def save(self, commit=True):
        if self.instance.pk:
            return super().save(commit=commit)
        return package_create(
            upload=self.cleaned_data["upload"],
            title=(self.cleaned_data.get("title") or "").strip(),
            user=getattr(self, "for_user", None),
            manifest=self.manifest,
        )
