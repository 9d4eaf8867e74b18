"""Views for everyone: the public calendar of upcoming sessions, a session's
public page, and signing up or withdrawing with one's own account. No
participant's name is shown here; the trainers' names only to people who
are logged in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_response_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms.sessions import UpcomingFilterForm
from ..models import CascadeSession, Participant
from ..permissions import can_see_participants, is_session_trainer
from ..services import EDITABLE
from .common import error_text, paginate_sessions, session_facts, session_or_404

Status = CascadeSession.Status
State = Participant.State
PUBLIC_CACHE_SECONDS = 60


def _public_cache(request, response):
    """Anonymous visitors share the public calendar (briefly cached: seats
    change); anything seen by a logged-in user stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True, no_store=True)
    else:
        patch_response_headers(response, cache_timeout=PUBLIC_CACHE_SECONDS)
    return response


def _public_session(request, pk):
    """A public session, or one the user trains or takes part in; else 404."""
    session = session_or_404(pk)
    user = request.user
    participation = None
    if user.is_authenticated:
        participation = session.participants.filter(user=user).first()
    trainer = is_session_trainer(user, session)
    if not (trainer or participation is not None):
        if not session.is_public or session.status == Status.DRAFT:
            raise Http404
    return session, participation, trainer


def _waiting_position(participant):
    return (
        Participant.objects.filter(
            session=participant.session_id, state=State.WAITLISTED
        )
        .filter(
            Q(registered_at__lt=participant.registered_at)
            | Q(registered_at=participant.registered_at, pk__lt=participant.pk)
        )
        .count()
        + 1
    )


def session_upcoming(request):
    filter_form = UpcomingFilterForm(request.GET or None)
    upcoming = CascadeSession.objects.filter(
        is_public=True,
        status=Status.SCHEDULED,
        end_date__gte=timezone.localdate(),
    )
    if filter_form.is_valid() and filter_form.cleaned_data.get("region"):
        upcoming = upcoming.filter(region=filter_form.cleaned_data["region"])
    upcoming = (
        upcoming.select_related("course", "region", "place")
        .prefetch_related("languages")
        .annotate(
            registered=Count(
                "participants", filter=Q(participants__state=State.REGISTERED)
            )
        )
        .annotate(seats_left=F("capacity") - F("registered"))
        .order_by("start_date", "pk")
    )
    response = render(
        request,
        "trainers/sessions/upcoming.html",
        {
            "filter_form": filter_form,
            "sessions": paginate_sessions(request, upcoming, "page"),
        },
    )
    return _public_cache(request, response)


def session_public(request, pk):
    session, participation, trainer = _public_session(request, pk)
    user = request.user
    active = participation is not None and participation.state != State.CANCELLED
    signup_open = session.status == Status.SCHEDULED and session.is_public
    context = {
        "session": session,
        **session_facts(session),
        "participation": participation if active else None,
        "position": (
            _waiting_position(participation)
            if active and participation.state == State.WAITLISTED
            else None
        ),
        "is_trainer": trainer,
        "signup_open": signup_open,
        "can_register": user.is_authenticated
        and signup_open
        and not trainer
        and not active,
        "can_withdraw": active and session.status in EDITABLE,
        "can_open_detail": user.is_authenticated
        and can_see_participants(user, session),
    }
    if user.is_authenticated:
        # Names of the trainers only for people who are logged in.
        context["co_facilitators"] = list(session.co_facilitators.order_by("full_name"))
    response = render(request, "trainers/sessions/public.html", context)
    return _public_cache(request, response)


@require_POST
@login_required
def session_register(request, pk):
    session, _participation, trainer = _public_session(request, pk)
    here = redirect("trainers:session_public", pk=session.pk)
    if trainer:
        messages.error(request, _("You are a trainer of this session."))
        return here
    try:
        participant = services.participant_register(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return here
    if participant.state == State.REGISTERED:
        messages.success(request, _("You are registered for this session."))
    else:
        messages.success(
            request,
            _(
                "The session is full: you are on the waiting list, position "
                "%(position)s. You will receive an e-mail if a seat becomes free."
            )
            % {"position": _waiting_position(participant)},
        )
    return here


@require_POST
@login_required
def session_withdraw(request, pk):
    session, participation, _trainer = _public_session(request, pk)
    here = redirect("trainers:session_public", pk=session.pk)
    if participation is None or participation.state == State.CANCELLED:
        messages.error(request, _("You are not registered for this session."))
    elif session.status not in EDITABLE:
        # Once the session is held, only its trainers change the list.
        messages.error(
            request, _("It is too late to withdraw from this session online.")
        )
    else:
        services.participant_withdraw(participant=participation)
        messages.success(request, _("Your registration has been withdrawn."))
    return here


urlpatterns = [
    path("upcoming/", session_upcoming, name="session_upcoming"),
    path("upcoming/<id:pk>/", session_public, name="session_public"),
    path("upcoming/<id:pk>/register/", session_register, name="session_register"),
    path("upcoming/<id:pk>/withdraw/", session_withdraw, name="session_withdraw"),
]
