"""Wagtail admin views of a quiz's results: statistics and exports.

Thin views: the numbers come from ``assessments.statistics`` (SQL aggregates,
a fixed number of queries), the files from ``assessments.exports``. Who may
view them is a role question (``kalanso.accounts.roles.can_see_quiz_results``:
the ``view_quiz`` or ``change_quiz`` permission); personal columns in exports
are for programme managers and superusers only (``can_see_quiz_takers``), and
every export of personal data is written to the ``kalanso.audit`` log.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from kalanso import spreadsheets
from kalanso.accounts import audit, roles

from . import exports, statistics
from .models import Quiz

# Geometry of the distribution chart (SVG user units).
CHART_WIDTH, CHART_HEIGHT = 640, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 48, 12, 16, 44


can_view_results = roles.can_see_quiz_results


def _quiz_for(request, quiz_id: int) -> Quiz:
    if not can_view_results(request.user):
        raise PermissionDenied
    return get_object_or_404(Quiz, pk=quiz_id)


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… at least ``value`` (axis maximum)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def distribution_chart(distribution: list[dict]) -> dict:
    """Bars, axis ticks and labels of the distribution, positioned for SVG."""
    top = _nice_ceiling(max([b["count"] for b in distribution] + [1]))
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = plot_width / len(distribution)
    baseline = CHART_TOP + plot_height
    bars = []
    for index, band in enumerate(distribution):
        height = plot_height * band["count"] / top
        x = CHART_LEFT + index * slot
        bars.append(
            {
                **band,
                "x": round(x + slot * 0.1, 1),
                "y": round(baseline - height, 1),
                "width": round(slot * 0.8, 1),
                "height": round(height, 1),
                "centre": round(x + slot / 2, 1),
                "value_y": round(baseline - height - 4, 1),
            }
        )
    ticks = sorted({0, top // 2, top}) if top > 1 else [0, 1]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "baseline": baseline,
        "label_y": baseline + 18,
        "axis_title_y": CHART_HEIGHT - 6,
        "centre_x": CHART_LEFT + plot_width / 2,
        "bars": bars,
        "ticks": [
            {"value": t, "y": round(baseline - plot_height * t / top, 1)} for t in ticks
        ],
    }


class QuizStatisticsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessments/admin/quiz_statistics.html"
    header_icon = "table"
    page_title = gettext_lazy("Statistics")

    def dispatch(self, request, *args, **kwargs):
        self.quiz = _quiz_for(request, kwargs["quiz_id"])
        self.first_only = request.GET.get("attempts") == "first"
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.quiz)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailsnippets_assessments_quiz:list"),
                "label": Quiz._meta.verbose_name_plural.capitalize(),
            },
            {
                # Readers of results who may not edit the quiz get its name only.
                "url": reverse(
                    "wagtailsnippets_assessments_quiz:edit", args=[self.quiz.pk]
                )
                if roles.can_edit_quizzes(self.request.user)
                else None,
                "label": str(self.quiz),
            },
            {"label": _("Statistics")},
        ]

    def get_header_buttons(self):
        return [
            HeaderButton(
                _("Download CSV"),
                reverse("assessments_admin:quiz_export_csv", args=[self.quiz.pk]),
                icon_name="download",
            ),
            HeaderButton(
                _("Download Excel"),
                reverse("assessments_admin:quiz_export_xlsx", args=[self.quiz.pk]),
                icon_name="download",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = statistics.quiz_summary(quiz=self.quiz, first_only=self.first_only)
        questions = statistics.question_statistics(
            quiz=self.quiz, first_only=self.first_only
        )
        frequencies = statistics.answer_frequencies(
            quiz=self.quiz, first_only=self.first_only
        )
        for row in questions:
            row["frequencies"] = frequencies.get(row["question_id"], [])
        context.update(
            quiz=self.quiz,
            summary=summary,
            questions=questions,
            chart=distribution_chart(summary["distribution"]),
            first_only=self.first_only,
        )
        return context


quiz_statistics = QuizStatisticsView.as_view()


def _export(request, quiz_id: int, file_format: str):
    quiz = _quiz_for(request, quiz_id)
    table = exports.results_table(quiz=quiz, user=request.user)
    if table.personal:
        audit.record(
            request.user,
            "export_personal_data",
            quiz,
            rows=table.row_count,
            file_format=file_format,
        )
    return quiz, table


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Results are personal or at least private: never keep them in a cache.
    response["Cache-Control"] = "private, no-store"
    return response


def quiz_export_csv(request, quiz_id: int):
    quiz, table = _export(request, quiz_id, "csv")
    response = StreamingHttpResponse(
        exports.results_csv(table), content_type=spreadsheets.CSV_CONTENT_TYPE
    )
    return _attachment(response, exports.export_filename(quiz, "csv"))


def quiz_export_xlsx(request, quiz_id: int):
    quiz, table = _export(request, quiz_id, "xlsx")
    response = HttpResponse(
        exports.results_xlsx(table, title=quiz.title),
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )
    return _attachment(response, exports.export_filename(quiz, "xlsx"))
