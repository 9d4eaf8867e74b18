"""Views for master trainers: the review of a session's report (validated or
sent back), and the observation of its co-facilitators (also by the lead
trainer). The changes go through ``trainers.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kalanso.ids import parse_id

from .. import services
from ..forms.sessions import ObservationForm, ReviewForm
from ..models import CascadeSession
from ..permissions import (
    can_observe,
    can_review,
    can_validate,
    reports_awaiting_review,
    require,
)
from ..services import HELD_OR_LATER
from .common import (
    paginate_sessions,
    posted,
    report_html,
    session_facts,
    session_or_404,
    summary,
)

Status = CascadeSession.Status


@never_cache
@login_required
def review_queue(request):
    """Master trainers: the reports waiting for their review, the longest
    waiting first."""
    user = request.user
    require(can_validate(user))
    waiting = (
        reports_awaiting_review(user)
        .select_related("lead_trainer", "region", "place", "course")
        .order_by(F("report_submitted_at").asc(nulls_first=True), "pk")
    )
    return render(
        request,
        "trainers/sessions/review_queue.html",
        {"page_obj": paginate_sessions(request, waiting, "page")},
    )


@never_cache
@login_required
def session_review(request, pk):
    session = session_or_404(pk)
    user = request.user
    require(can_review(user, session))
    form = ReviewForm(posted(request))
    if request.method == "POST":
        if session.status != Status.REPORTED:
            messages.error(request, _("This report is not waiting for a review."))
            return redirect("trainers:session_detail", pk=session.pk)
        if form.is_valid():
            try:
                review = services.report_review(
                    session=session,
                    by=user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The report is validated.")
                    if review.decision == review.Decision.VALIDATED
                    else _(
                        "The report is sent back to the trainers with your comments."
                    ),
                )
                return redirect("trainers:session_detail", pk=session.pk)
    return render(
        request,
        "trainers/sessions/review.html",
        {
            "session": session,
            "form": form,
            "can_review": session.status == Status.REPORTED,
            "report_html": report_html(session),
            "photos": list(session.photos.all()),
            **session_facts(session, request=request),
            "summary": summary(session),
            "reviews": list(session.reviews.select_related("reviewer")),
        },
    )


@never_cache
@login_required
def session_observe(request, pk):
    session = session_or_404(pk)
    user = request.user
    require(can_observe(user, session))
    if session.status not in HELD_OR_LATER:
        messages.error(
            request, _("Co-facilitators can be observed once the session is held.")
        )
        return redirect("trainers:session_detail", pk=session.pk)
    initial = {}
    chosen = parse_id(request.GET.get("trainer", ""))
    if request.method == "GET" and chosen is not None:
        existing = session.observations.filter(trainer_id=chosen).first()
        initial = {"trainer": chosen}
        if existing:
            initial.update(report=existing.report, satisfactory=existing.satisfactory)
    form = ObservationForm(
        posted(request), session=session, observer=user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        trainer = form.cleaned_data["trainer"]
        try:
            services.observation_record(
                session=session,
                trainer=trainer,
                observer=user,
                report=form.cleaned_data["report"],
                satisfactory=form.cleaned_data["satisfactory"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The observation of %(name)s is saved.") % {"name": trainer},
            )
            return redirect("trainers:session_detail", pk=session.pk)
    return render(
        request,
        "trainers/sessions/observe.html",
        {
            "session": session,
            "form": form,
            "has_cofacilitators": form.fields["trainer"].queryset.exists(),
            "observations": list(
                session.observations.select_related("trainer", "observer")
            ),
        },
    )


urlpatterns = [
    path("sessions/to-review/", review_queue, name="review_queue"),
    path("sessions/<id:pk>/review/", session_review, name="session_review"),
    path("sessions/<id:pk>/observe/", session_observe, name="session_observe"),
]
