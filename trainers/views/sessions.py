"""Views for a session's trainers: their sessions (and, for master trainers
and programme managers, every session), creating and editing one, its life
(schedule, held, cancel), the report with its photos.

Every view asks ``trainers.permissions``; the changes go through
``trainers.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalanso.accounts import roles
from kalanso.ids import parse_id

from .. import photos, services
from ..forms.sessions import (
    CancelForm,
    PhotoForm,
    ReportForm,
    SessionFilterForm,
    SessionForm,
)
from ..models import CascadeSession, Participant, SessionPhoto
from ..permissions import (
    can_cancel,
    can_edit_session,
    can_lead_sessions,
    can_observe,
    can_review,
    can_see_all_sessions,
    can_see_participants,
    require,
    sessions_visible_to,
)
from ..services import EDITABLE, HELD_OR_LATER
from .common import (
    error_text,
    paginate_sessions,
    posted,
    report_html,
    seat_counts,
    session_facts,
    session_or_404,
    summary,
    viewable_session,
)

Status = CascadeSession.Status
State = Participant.State


def _with_counts(queryset):
    """Sessions with what the lists show, in one query per page."""
    return queryset.select_related(
        "course", "region", "place", "lead_trainer"
    ).annotate(
        registered=Count(
            "participants", filter=Q(participants__state=State.REGISTERED)
        ),
        waiting=Count("participants", filter=Q(participants__state=State.WAITLISTED)),
    )


def _actions(user, session):
    """What the current user may do now (mirrors the service rules, which
    check again)."""
    is_lead = session.lead_trainer_id == user.pk
    editable = can_edit_session(user, session)
    today = timezone.localdate()
    return {
        "edit": editable and session.status in EDITABLE,
        "schedule": is_lead
        and can_lead_sessions(user)
        and session.status == Status.DRAFT,
        "held": editable
        and session.status == Status.SCHEDULED
        and session.start_date <= today,
        "cancel": can_cancel(user, session) and session.status in EDITABLE,
        "report": editable and session.status == Status.HELD,
        "review": can_review(user, session) and session.status == Status.REPORTED,
        "observe": can_observe(user, session) and session.status in HELD_OR_LATER,
    }


# Lists, details, editing ------------------------------------------------------


@never_cache
@login_required
def session_list(request):
    user = request.user
    # The sessions the user trains, as far as their standing lets them open
    # them (a suspended trainer no longer sees their sessions' people).
    mine = sessions_visible_to(user).filter(
        Q(lead_trainer=user) | Q(pk__in=user.sessions_cofacilitated.values("pk"))
    )
    see_all = can_see_all_sessions(user)
    require(roles.can_open_trainer_area(user) or mine.exists())
    context = {
        "mine": paginate_sessions(
            request, _with_counts(mine).order_by("-start_date", "-pk"), "mine_page"
        ),
        "see_all": see_all,
        "can_create": can_lead_sessions(user),
    }
    if see_all:
        filter_form = SessionFilterForm(request.GET or None)
        every = filter_form.filter(CascadeSession.objects.all())
        context["filter_form"] = filter_form
        context["sessions"] = paginate_sessions(
            request, _with_counts(every).order_by("-start_date", "-pk"), "page"
        )
    return render(request, "trainers/sessions/list.html", context)


@never_cache
@login_required
def session_create(request):
    require(can_lead_sessions(request.user))
    form = SessionForm(posted(request), lead=request.user)
    if request.method == "POST" and form.is_valid():
        session = services.session_create(lead=request.user, details=form.cleaned_data)
        messages.success(
            request,
            _(
                "The session “%(title)s” is saved as a draft. Schedule it when the "
                "dates are confirmed."
            )
            % {"title": session.title},
        )
        return redirect("trainers:session_detail", pk=session.pk)
    return render(
        request, "trainers/sessions/form.html", {"form": form, "session": None}
    )


@never_cache
@login_required
def session_detail(request, pk):
    session = viewable_session(request, pk)
    user = request.user
    context = {
        "session": session,
        **session_facts(session, request=request),
        "actions": _actions(user, session),
        "can_edit": can_edit_session(user, session),
        "co_facilitators": list(session.co_facilitators.order_by("full_name")),
        "photos": list(session.photos.all()),
        "reviews": list(session.reviews.select_related("reviewer")),
        "observations": list(
            session.observations.select_related("trainer", "observer")
        ),
        "report_html": report_html(session),
    }
    if session.status in HELD_OR_LATER:
        context["summary"] = summary(session)
    return render(request, "trainers/sessions/detail.html", context)


@never_cache
@login_required
def session_edit(request, pk):
    session = session_or_404(pk)
    user = request.user
    require(can_edit_session(user, session))
    if session.status not in EDITABLE:
        messages.error(
            request,
            _("A session can be changed only while it is a draft or scheduled."),
        )
        return redirect("trainers:session_detail", pk=session.pk)
    form = SessionForm(
        posted(request),
        instance=session,
        lead=session.lead_trainer,
        # Only the lead chooses the co-facilitators.
        can_choose_cofacilitators=session.lead_trainer_id == user.pk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, details=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session has been updated."))
            return redirect("trainers:session_detail", pk=session.pk)
    return render(
        request, "trainers/sessions/form.html", {"form": form, "session": session}
    )


# The session's life ------------------------------------------------------------


def _transition(request, pk, action, success):
    session = viewable_session(request, pk)
    try:
        action(session)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect("trainers:session_detail", pk=session.pk)


@require_POST
@login_required
def session_schedule(request, pk):
    return _transition(
        request,
        pk,
        lambda session: services.session_schedule(session=session, by=request.user),
        _("The session is scheduled. The people already registered are invited."),
    )


@require_POST
@login_required
def session_held(request, pk):
    return _transition(
        request,
        pk,
        lambda session: services.session_mark_held(session=session, by=request.user),
        _("The session is marked as held. You can now write its report."),
    )


@never_cache
@login_required
def session_cancel(request, pk):
    session = viewable_session(request, pk)
    require(can_cancel(request.user, session))
    if session.status not in EDITABLE:
        messages.error(
            request, _("Only a draft or scheduled session can be cancelled.")
        )
        return redirect("trainers:session_detail", pk=session.pk)
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("The session is cancelled. The people registered are told why."),
            )
        return redirect("trainers:session_detail", pk=session.pk)
    return render(
        request,
        "trainers/sessions/cancel.html",
        {"session": session, "form": form, "seats": seat_counts(session)},
    )


# The report and its photos ----------------------------------------------------


@never_cache
@login_required
def session_report(request, pk):
    session = session_or_404(pk)
    user = request.user
    require(can_edit_session(user, session))
    if session.status != Status.HELD:
        messages.error(
            request,
            _(
                "The report can be written only once the session is marked as held, "
                "and until it is submitted."
            ),
        )
        return redirect("trainers:session_detail", pk=session.pk)
    here = redirect("trainers:session_report", pk=session.pk)
    report_form = ReportForm(initial={"narrative": session.report})
    photo_form = PhotoForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("save", "submit"):
            report_form = ReportForm(request.POST)
            if report_form.is_valid():
                try:
                    services.report_save(
                        session=session,
                        by=user,
                        narrative=report_form.cleaned_data["narrative"],
                    )
                    if action == "submit":
                        services.report_submit(session=session, by=user)
                except ValidationError as error:
                    messages.error(request, error_text(error))
                    return here
                if action == "submit":
                    messages.success(
                        request,
                        _("The report is submitted to a master trainer for review."),
                    )
                    return redirect("trainers:session_detail", pk=session.pk)
                messages.success(request, _("The report has been saved."))
                return here
        elif action == "upload":
            photo_form = PhotoForm(request.POST, request.FILES)
            if photo_form.is_valid():
                try:
                    services.photo_add(
                        session=session,
                        by=user,
                        uploaded=photo_form.cleaned_data["image"],
                        alt_text=photo_form.cleaned_data["alt_text"],
                    )
                except ValidationError as error:
                    photo_form.add_error("image", error)
                else:
                    messages.success(request, _("The photo has been added."))
                    return here
        elif action == "delete":
            photo_pk = parse_id(request.POST.get("photo", ""))
            photo = (
                session.photos.filter(pk=photo_pk).first()
                if photo_pk is not None
                else None
            )
            if photo is None:
                messages.error(request, _("This photo no longer exists."))
                return here
            try:
                services.photo_delete(photo=photo, by=user)
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("The photo has been deleted."))
            return here
        else:
            return here
    session_photos = list(session.photos.all())
    return render(
        request,
        "trainers/sessions/report.html",
        {
            "session": session,
            "report_form": report_form,
            "photo_form": photo_form,
            "photos": session_photos,
            "photos_left": max(photos.MAX_PHOTOS - len(session_photos), 0),
            "max_photos": photos.MAX_PHOTOS,
            "report_html": report_html(session),
        },
    )


@never_cache
@login_required
def session_photo(request, pk, photo_pk):
    """A report photo, for the people who may see the session's participants;
    never through a public media URL."""
    session = get_object_or_404(CascadeSession, pk=pk)
    require(can_see_participants(request.user, session))
    photo = get_object_or_404(SessionPhoto, pk=photo_pk, session=session)
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=photos.content_type(photo))
    response["Content-Disposition"] = "inline"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("sessions/", session_list, name="session_list"),
    path("sessions/new/", session_create, name="session_create"),
    path("sessions/<id:pk>/", session_detail, name="session_detail"),
    path("sessions/<id:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<id:pk>/schedule/", session_schedule, name="session_schedule"),
    path("sessions/<id:pk>/held/", session_held, name="session_held"),
    path("sessions/<id:pk>/cancel/", session_cancel, name="session_cancel"),
    path("sessions/<id:pk>/report/", session_report, name="session_report"),
    path(
        "sessions/<id:pk>/photos/<id:photo_pk>/",
        session_photo,
        name="session_photo",
    ),
]
