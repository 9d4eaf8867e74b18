from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from taggit.models import Tag
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

import django_filters

from kalanso.accounts import roles

from . import admin_views, import_views
from .models import Question, QuestionCategory, Quiz, Scenario


class QuestionFilterSet(WagtailFilterSet):
    tag = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="tags",
        queryset=Tag.objects.filter(assessments_questiontag_items__isnull=False)
        .distinct()
        .order_by("name"),
        distinct=True,
    )

    class Meta:
        model = Question
        fields = ["type", "category", "language", "difficulty"]


class QuestionIndexView(IndexView):
    def search_queryset(self, queryset):
        """Search in the database itself (the same on SQLite and PostgreSQL):
        name, text, category and topics. A question with several matching
        topics is listed once."""
        if not self.is_searching:
            return queryset
        matching = super().search_queryset(Question.objects.all())
        return queryset.filter(pk__in=matching.values("pk"))


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    index_view_class = QuestionIndexView
    list_display = ["__str__", "type", "category", "language", "difficulty", "version"]
    filterset_class = QuestionFilterSet
    # The database, not Wagtail's search index: the admin also searches by
    # category and topic, and the index's per-field search fails on SQLite.
    search_backend_name = None
    search_fields = ["name", "text", "category__name", "tags__name"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "kind", "language", "pass_mark"]
    list_filter = ["kind", "language"]
    search_fields = ["title"]


class CategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["__str__", "description"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]


class ScenarioViewSet(SnippetViewSet):
    model = Scenario
    icon = "openquote"
    menu_label = _("Scenarios")


class AssessmentsGroup(SnippetViewSetGroup):
    items = (QuizViewSet, QuestionViewSet, CategoryViewSet, ScenarioViewSet)
    menu_icon = "tasks"
    menu_label = _("Assessments")
    menu_order = 250


register_snippet(AssessmentsGroup)


admin_urlpatterns = [
    path(
        "<id:quiz_id>/statistics/",
        admin_views.quiz_statistics,
        name="quiz_statistics",
    ),
    path(
        "<id:quiz_id>/export.csv",
        admin_views.quiz_export_csv,
        name="quiz_export_csv",
    ),
    path(
        "<id:quiz_id>/export.xlsx",
        admin_views.quiz_export_xlsx,
        name="quiz_export_xlsx",
    ),
]


@hooks.register("register_admin_urls")
def register_assessments_admin_urls():
    return [
        path(
            "assessments/quiz/",
            include((admin_urlpatterns, "assessments_admin")),
        ),
        path(
            "assessments/questions/import/",
            import_views.import_questions_view,
            name="assessments_import_questions",
        ),
        path(
            "assessments/questions/export/",
            import_views.export_questions_view,
            name="assessments_export_questions",
        ),
    ]


class ImportQuestionsMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.can_import_questions(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportQuestionsMenuItem(
        _("Import questions"),
        reverse("assessments_import_questions"),
        icon_name="upload",
        order=260,
    )


class ExportQuestionsMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.can_export_questions(request.user)


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return ExportQuestionsMenuItem(
        _("Export questions"),
        reverse("assessments_export_questions"),
        icon_name="download",
        order=261,
    )


@hooks.register("register_snippet_listing_buttons")
def category_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, QuestionCategory) and roles.can_export_questions(user):
        yield Button(
            _("Export with subcategories (GIFT)"),
            reverse("assessments_export_questions")
            + f"?category={snippet.pk}&subcategories=on&format=gift",
            icon_name="download",
            priority=18,
        )


@hooks.register("register_snippet_listing_buttons")
def quiz_listing_buttons(snippet, user, next_url=None):
    """Entries in the "More" menu of each quiz in the listing, each one only
    for the roles that may open it (the views check the same predicates)."""
    if not isinstance(snippet, Quiz):
        return
    if roles.can_see_quiz_results(user):
        yield Button(
            _("Statistics"),
            reverse("assessments_admin:quiz_statistics", args=[snippet.pk]),
            icon_name="table",
            priority=15,
        )
    if roles.can_print_paper(user):
        yield Button(
            _("Printable test (PDF)"),
            reverse("assessments:assessments_quiz_paper", args=[snippet.pk]),
            icon_name="doc-full",
            priority=16,
        )
    if roles.can_print_answer_key(user):
        yield Button(
            _("Answer key (PDF)"),
            reverse("assessments:assessments_quiz_answer_key", args=[snippet.pk]),
            icon_name="key",
            priority=17,
        )
    if roles.can_export_questions(user):
        yield Button(
            _("Export questions (GIFT)"),
            reverse("assessments_export_questions") + f"?quiz={snippet.pk}&format=gift",
            icon_name="download",
            priority=18,
        )
