"""Wagtail admin: import questions from GIFT or Aiken (preview, then import
all-or-nothing) and export a category or a quiz's questions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalanso.accounts import roles

from .importing import export_questions, import_questions, parse
from .interchange import InterchangeError
from .models import LANGUAGES, Question, QuestionCategory, Quiz

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
    category = forms.ModelChoiceField(
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
            created = import_questions(
                questions, default_category=data["category"], language=data["language"]
            )
            messages.success(
                request, _("%(count)s questions imported.") % {"count": len(created)}
            )
            return redirect("wagtailsnippets_assessments_question:list")
        context.update(
            preview=questions,
            confirm_form=ImportForm(
                initial={**data, "file": None},
            ),
            text=data["text"],
        )
    return TemplateResponse(request, "assessments/admin/import.html", context)


def export_questions_view(request):
    _require(roles.can_export_questions(request.user))
    file_format = request.GET.get("format", "gift")
    if file_format not in dict(FORMATS):
        return HttpResponse(_("Unknown format."), status=400, content_type="text/plain")
    if request.GET.get("quiz"):
        quiz = get_object_or_404(Quiz, pk=request.GET["quiz"])
        ids = list(
            quiz.slots.exclude(question=None).values_list("question_id", flat=True)
        )
        questions = sorted(
            Question.objects.filter(pk__in=ids)
            .prefetch_related("answers")
            .select_related("category"),
            key=lambda q: ids.index(q.pk),
        )
        name = quiz.title
    elif request.GET.get("category"):
        category = get_object_or_404(QuestionCategory, pk=request.GET["category"])
        questions = list(
            category.questions.prefetch_related("answers")
            .select_related("category")
            .order_by("pk")
        )
        name = category.name
    else:
        return HttpResponse(
            _("Choose a quiz or a category."), status=400, content_type="text/plain"
        )
    try:
        text = export_questions(questions, file_format)
    except InterchangeError as error:
        body = "\n".join(
            _("Question %(n)s: %(message)s") % {"n": n, "message": m}
            for n, m in error.errors
        )
        return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"{slugify(name) or 'questions'}.{file_format}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
