from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Question, QuestionCategory, Quiz, Scenario


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = ["__str__", "type", "category", "language", "difficulty", "version"]
    list_filter = ["type", "category", "language", "difficulty"]
    search_fields = ["name", "text"]


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
