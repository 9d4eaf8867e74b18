"""Wagtail admin: import questions from GIFT or Aiken (preview, then import
all-or-nothing) and export a category or a quiz's questions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalanso.accounts import roles
from kalanso.ids import IdChoiceField

from . import gift, selectors
from .importing import (
    NEW_VERSION,
    SKIP,
    export_questions,
    find_duplicates,
    import_questions,
    parse,
)
from .interchange import InterchangeError, type_label
from .models import LANGUAGES, QuestionCategory, Quiz

MAX_BYTES = 5 * 1024 * 1024
FORMATS = [("gift", "GIFT (Moodle)"), ("aiken", "Aiken")]


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    text = forms.CharField(
        label=gettext_lazy("…or paste the questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMATS)
    category = IdChoiceField(
        label=gettext_lazy("Category"),
        queryset=QuestionCategory.objects.all(),
        help_text=gettext_lazy("For questions without a $CATEGORY line."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGES)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 5 MB."))
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as UTF-8 and try again.")
                ) from error
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the questions."))
        if len(cleaned["text"]) > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return cleaned


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def import_questions_view(request):
    _require(roles.can_import_questions(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "header_title": _("Import questions"),
        "page_title": _("Import questions"),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            questions = parse(data["text"], data["format"])
        except InterchangeError as error:
            context["errors"] = sorted(error.errors)
            return TemplateResponse(
                request, "assessments/admin/import.html", context, status=400
            )
        if request.POST.get("confirm") == "1":
            result = import_questions(
                questions,
                default_category=data["category"],
                language=data["language"],
                # Skipping is the default; only an explicit choice adds versions.
                duplicates=(
                    NEW_VERSION
                    if request.POST.get("duplicates") == NEW_VERSION
                    else SKIP
                ),
                user=request.user,
            )
            messages.success(
                request,
                _(
                    "%(count)s questions imported; %(skipped)s already in the bank "
                    "skipped; %(versions)s new versions."
                )
                % {
                    "count": len(result.created),
                    "skipped": len(result.skipped),
                    "versions": len(result.new_versions),
                },
            )
            return redirect("wagtailsnippets_assessments_question:list")
        duplicates = find_duplicates(
            questions, default_category=data["category"], language=data["language"]
        )
        rows = _preview_rows(questions)
        for row, same in zip(rows, duplicates, strict=True):
            row["duplicate"] = same
        context.update(
            preview=rows,
            duplicate_count=sum(1 for same in duplicates if same is not None),
            skip=SKIP,
            new_version=NEW_VERSION,
            confirm_form=ImportForm(
                initial={**data, "file": None},
            ),
            text=data["text"],
        )
    return TemplateResponse(request, "assessments/admin/import.html", context)


class ExportForm(forms.Form):
    """What to export: a quiz's questions, or a category (with or without its
    subcategories), in GIFT or Aiken."""

    quiz = IdChoiceField(
        label=gettext_lazy("Quiz"), queryset=Quiz.objects.all(), required=False
    )
    category = IdChoiceField(
        label=gettext_lazy("…or category"),
        queryset=QuestionCategory.objects.all(),
        required=False,
    )
    subcategories = forms.BooleanField(
        label=gettext_lazy("Include its subcategories"), required=False
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=FORMATS, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("quiz")) == bool(cleaned.get("category")):
            raise forms.ValidationError(_("Choose either a quiz or a category."))
        cleaned["format"] = cleaned.get("format") or "gift"
        return cleaned


def _preview_rows(questions):
    """What the import preview shows of each parsed question."""
    return [
        {
            "line": q.line,
            "type": type_label(q.type),
            "name": q.name,
            "text": q.text,
            "category": " / ".join(gift.category_names(q.category)),
        }
        for q in questions
    ]


def export_questions_view(request):
    _require(roles.can_export_questions(request.user))
    asked = any(key in request.GET for key in ("quiz", "category"))
    form = ExportForm(request.GET if asked else None)
    context = {
        "form": form,
        "header_title": _("Export questions"),
        "page_title": _("Export questions"),
    }
    if not form.is_valid():
        status = 400 if asked else 200
        return TemplateResponse(
            request, "assessments/admin/export.html", context, status=status
        )
    data = form.cleaned_data
    file_format = data["format"]
    if data["quiz"]:
        questions = selectors.questions_of_quiz(data["quiz"])
        name = data["quiz"].title
    else:
        questions = selectors.questions_of_category(
            data["category"], subcategories=data["subcategories"]
        )
        name = data["category"].name
    if not questions:
        context["errors"] = [(None, "", _("There is no question to export."))]
        return TemplateResponse(
            request, "assessments/admin/export.html", context, status=400
        )
    try:
        text = export_questions(questions, file_format)
    except InterchangeError as error:
        # Each question that cannot be written, named as people know it.
        context["errors"] = [
            (number, str(questions[number - 1]), message)
            for number, message in error.errors
        ]
        return TemplateResponse(
            request, "assessments/admin/export.html", context, status=400
        )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"{slugify(name) or 'questions'}.{file_format}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
