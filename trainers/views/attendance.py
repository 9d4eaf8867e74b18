"""Views for a session's trainers, while it runs: the attendance grid and
the paper-test scores (read by everyone who may see the participants,
changed by the session's trainers from the first day until the report is
submitted). The changes go through ``trainers.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from kalanso.accounts import roles

from .. import services
from ..forms.participants import AttendanceForm, ScoresForm
from ..models import Participant
from ..permissions import can_edit_session, require
from .common import error_text, participants_context, viewable_session


def _registered(session):
    return session.participants.filter(state=Participant.State.REGISTERED).order_by(
        "full_name", "pk"
    )


def _closed_reason(session, is_open) -> str:
    return "" if is_open else services.attendance_closed_reason(session)


@never_cache
@login_required
def attendance(request, pk):
    session = viewable_session(request, pk)
    may_edit = can_edit_session(request.user, session)
    is_open = services.attendance_open(session)
    here = redirect("trainers:attendance", pk=session.pk)
    if request.method == "POST":
        require(may_edit)
        if not is_open:
            messages.error(request, services.attendance_closed_reason(session))
            return here
        form = AttendanceForm(session, _registered(session), request.POST)
        shown, present, was_present = form.marks()
        try:
            count = services.attendance_record(
                session=session, shown=shown, present=present, was_present=was_present
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)s people present at least one day.")
                % {"count": count},
            )
        return here
    form = AttendanceForm(session, _registered(session))
    return render(
        request,
        "trainers/participants/attendance.html",
        participants_context(
            request,
            session,
            form=form,
            rows=list(form.rows()),
            days=form.days,
            editable=may_edit and is_open,
            closed_reason=_closed_reason(session, is_open),
        ),
    )


@never_cache
@login_required
def scores(request, pk):
    session = viewable_session(request, pk)
    may_edit = can_edit_session(request.user, session)
    is_open = services.attendance_open(session)
    people = _registered(session)
    if request.method == "POST":
        require(may_edit)
        if not is_open:
            messages.error(request, services.attendance_closed_reason(session))
            return redirect("trainers:scores", pk=session.pk)
    form = ScoresForm(request.POST or None, participants=people)
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.scores_record(session=session, scores=form.changed)
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Scores saved (%(count)s person changed).",
                        "Scores saved (%(count)s people changed).",
                        count,
                    )
                    % {"count": count},
                )
            return redirect("trainers:scores", pk=session.pk)
        messages.error(
            request, _("Nothing was saved: correct the scores marked below.")
        )
    course = session.course
    papers = []
    if roles.can_print_paper(request.user):
        for quiz, label in (
            (course.pre_test, _("Printable pre-test")),
            (course.post_test, _("Printable post-test")),
        ):
            if quiz is not None:
                papers.append(
                    {
                        "label": label,
                        "url": reverse(
                            "assessments:assessments_quiz_paper", args=[quiz.pk]
                        ),
                    }
                )
    return render(
        request,
        "trainers/participants/scores.html",
        participants_context(
            request,
            session,
            form=form,
            rows=list(form.rows()),
            papers=papers,
            editable=may_edit and is_open,
            closed_reason=_closed_reason(session, is_open),
        ),
    )


urlpatterns = [
    path("sessions/<id:pk>/attendance/", attendance, name="attendance"),
    path("sessions/<id:pk>/scores/", scores, name="scores"),
]
