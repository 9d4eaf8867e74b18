"""Views: cascade sessions — lists, details, the session's life (schedule,
held, cancel), the report with its photos, the review, observations, and the
public calendar with sign-up.

Every view asks ``trainers.permissions``; the changes go through
``trainers.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_response_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalanso.accounts import roles
from kalanso.sanitize import clean_html

from .. import photos, services
from ..forms.participants import parse_pk
from ..forms.sessions import (
    CancelForm,
    ObservationForm,
    PhotoForm,
    ReportForm,
    ReviewForm,
    SessionFilterForm,
    SessionForm,
    UpcomingFilterForm,
)
from ..models import (
    Attendance,
    CascadeSession,
    Feedback,
    Participant,
    SessionPhoto,
)
from ..permissions import (
    can_edit_session,
    can_lead_sessions,
    can_see_all_sessions,
    can_see_participants,
    can_validate,
    is_session_lead,
    is_session_trainer,
    require,
    sessions_visible_to,
)

Status = CascadeSession.Status
State = Participant.State
EDITABLE = services.EDITABLE
HELD_OR_LATER = services.HELD_OR_LATER
PER_PAGE = 25
PUBLIC_CACHE_SECONDS = 60


# --- helpers -----------------------------------------------------------------


def _session(pk):
    return get_object_or_404(
        CascadeSession.objects.select_related(
            "course", "region", "place", "lead_trainer"
        ),
        pk=pk,
    )


def _visible_session(request, pk):
    """The session, for its trainers, master trainers and programme managers."""
    session = _session(pk)
    require(can_see_participants(request.user, session))
    return session


def _posted(request):
    """The POST data, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


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


def _seats(session):
    counts = session.participants.aggregate(
        registered=Count("pk", filter=Q(state=State.REGISTERED)),
        waiting=Count("pk", filter=Q(state=State.WAITLISTED)),
    )
    counts["left"] = max(session.capacity - counts["registered"], 0)
    return counts


def _can_observe(user, session):
    return can_validate(user) or (
        session.lead_trainer_id == user.pk and can_lead_sessions(user)
    )


def _can_cancel(user, session):
    # A suspended or demoted lead no longer cancels (nor e-mails everyone).
    return is_session_lead(user, session) or can_validate(user)


def _can_review(user, session):
    return can_validate(user) and not is_session_trainer(user, session)


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
        "cancel": _can_cancel(user, session) and session.status in EDITABLE,
        "report": editable and session.status == Status.HELD,
        "review": _can_review(user, session) and session.status == Status.REPORTED,
        "observe": _can_observe(user, session) and session.status in HELD_OR_LATER,
    }


def _report_html(session):
    # Stored sanitised by services.report_save; sanitised again on the way
    # out in case it was written by another path (admin, import).
    return mark_safe(clean_html(session.report))


def summary(session):
    """Counts and means for a session, computed in the database (no names)."""
    people = session.participants.aggregate(
        registered=Count("pk", filter=Q(state=State.REGISTERED)),
        waiting=Count("pk", filter=Q(state=State.WAITLISTED)),
        cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
        women=Count("pk", filter=Q(state=State.REGISTERED, sex="f")),
        men=Count("pk", filter=Q(state=State.REGISTERED, sex="m")),
        pre_count=Count("pre_score", filter=Q(state=State.REGISTERED)),
        pre_mean=Avg("pre_score", filter=Q(state=State.REGISTERED)),
        post_count=Count("post_score", filter=Q(state=State.REGISTERED)),
        post_mean=Avg("post_score", filter=Q(state=State.REGISTERED)),
        gain_mean=Avg(
            F("post_score") - F("pre_score"),
            filter=Q(
                state=State.REGISTERED,
                pre_score__isnull=False,
                post_score__isnull=False,
            ),
        ),
    )
    people["other_sex"] = people["registered"] - people["women"] - people["men"]
    attendance = list(
        Attendance.objects.filter(
            participant__session=session, participant__state=State.REGISTERED
        )
        .values("day")
        .annotate(present=Count("pk", filter=Q(present=True)), recorded=Count("pk"))
        .order_by("day")
    )
    feedback = Feedback.objects.filter(session=session).aggregate(
        count=Count("pk"), satisfaction=Avg("satisfaction")
    )
    return {"people": people, "attendance": attendance, "feedback": feedback}


def _paginate(request, queryset, param):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get(param))


def _public_cache(request, response):
    """Anonymous visitors share the public calendar (briefly cached: seats
    change); anything seen by a logged-in user stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True, no_store=True)
    else:
        patch_response_headers(response, cache_timeout=PUBLIC_CACHE_SECONDS)
    return response


# --- the trainers' area --------------------------------------------------------


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
        "mine": _paginate(
            request, _with_counts(mine).order_by("-start_date", "-pk"), "mine_page"
        ),
        "see_all": see_all,
        "can_create": can_lead_sessions(user),
    }
    if see_all:
        filter_form = SessionFilterForm(request.GET or None)
        every = filter_form.filter(CascadeSession.objects.all())
        context["filter_form"] = filter_form
        context["sessions"] = _paginate(
            request, _with_counts(every).order_by("-start_date", "-pk"), "page"
        )
    return render(request, "trainers/sessions/list.html", context)


@never_cache
@login_required
def session_create(request):
    require(can_lead_sessions(request.user))
    form = SessionForm(_posted(request), lead=request.user)
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
    session = _visible_session(request, pk)
    user = request.user
    context = {
        "session": session,
        "seats": _seats(session),
        "actions": _actions(user, session),
        "can_edit": can_edit_session(user, session),
        "co_facilitators": list(session.co_facilitators.order_by("full_name")),
        "languages": list(session.languages.all()),
        "photos": list(session.photos.all()),
        "reviews": list(session.reviews.select_related("reviewer")),
        "observations": list(
            session.observations.select_related("trainer", "observer")
        ),
        "report_html": _report_html(session),
        "course_url": session.course.get_url(request),
    }
    if session.status in HELD_OR_LATER:
        context["summary"] = summary(session)
    return render(request, "trainers/sessions/detail.html", context)


@never_cache
@login_required
def session_edit(request, pk):
    session = _session(pk)
    user = request.user
    require(can_edit_session(user, session))
    if session.status not in EDITABLE:
        messages.error(
            request,
            _("A session can be changed only while it is a draft or scheduled."),
        )
        return redirect("trainers:session_detail", pk=session.pk)
    form = SessionForm(
        _posted(request),
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


def _transition(request, pk, action, success):
    session = _visible_session(request, pk)
    try:
        action(session)
    except ValidationError as error:
        messages.error(request, _error_text(error))
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
    session = _visible_session(request, pk)
    require(_can_cancel(request.user, session))
    if session.status not in EDITABLE:
        messages.error(
            request, _("Only a draft or scheduled session can be cancelled.")
        )
        return redirect("trainers:session_detail", pk=session.pk)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The session is cancelled. The people registered are told why."),
            )
        return redirect("trainers:session_detail", pk=session.pk)
    return render(
        request,
        "trainers/sessions/cancel.html",
        {"session": session, "form": form, "seats": _seats(session)},
    )


# --- the report and its photos ----------------------------------------------------


@never_cache
@login_required
def session_report(request, pk):
    session = _session(pk)
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
                    messages.error(request, _error_text(error))
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
            photo_pk = parse_pk(request.POST.get("photo", ""))
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
                messages.error(request, _error_text(error))
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
            "report_html": _report_html(session),
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


# --- review and observation ---------------------------------------------------------


@never_cache
@login_required
def session_review(request, pk):
    session = _session(pk)
    user = request.user
    require(_can_review(user, session))
    form = ReviewForm(_posted(request))
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
            "report_html": _report_html(session),
            "photos": list(session.photos.all()),
            "seats": _seats(session),
            "summary": summary(session),
            "reviews": list(session.reviews.select_related("reviewer")),
        },
    )


@never_cache
@login_required
def session_observe(request, pk):
    session = _session(pk)
    user = request.user
    require(_can_observe(user, session))
    if session.status not in HELD_OR_LATER:
        messages.error(
            request, _("Co-facilitators can be observed once the session is held.")
        )
        return redirect("trainers:session_detail", pk=session.pk)
    initial = {}
    chosen = parse_pk(request.GET.get("trainer", ""))
    if request.method == "GET" and chosen is not None:
        existing = session.observations.filter(trainer_id=chosen).first()
        initial = {"trainer": chosen}
        if existing:
            initial.update(report=existing.report, satisfactory=existing.satisfactory)
    form = ObservationForm(
        _posted(request), session=session, observer=user, initial=initial
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


# --- the public calendar --------------------------------------------------------------


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
            "sessions": _paginate(request, upcoming, "page"),
        },
    )
    return _public_cache(request, response)


def _public_session(request, pk):
    """A public session, or one the user trains or takes part in; else 404."""
    session = _session(pk)
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


def session_public(request, pk):
    session, participation, trainer = _public_session(request, pk)
    user = request.user
    active = participation is not None and participation.state != State.CANCELLED
    signup_open = session.status == Status.SCHEDULED and session.is_public
    context = {
        "session": session,
        "seats": _seats(session),
        "languages": list(session.languages.all()),
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
        messages.error(request, _error_text(error))
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
        messages.error(
            request, _("It is too late to withdraw from this session online.")
        )
    else:
        services.participant_withdraw(participant=participation)
        messages.success(request, _("Your registration has been withdrawn."))
    return here


urlpatterns = [
    path("sessions/", session_list, name="session_list"),
    path("sessions/new/", session_create, name="session_create"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:pk>/schedule/", session_schedule, name="session_schedule"),
    path("sessions/<int:pk>/held/", session_held, name="session_held"),
    path("sessions/<int:pk>/cancel/", session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/report/", session_report, name="session_report"),
    path(
        "sessions/<int:pk>/photos/<int:photo_pk>/",
        session_photo,
        name="session_photo",
    ),
    path("sessions/<int:pk>/review/", session_review, name="session_review"),
    path("sessions/<int:pk>/observe/", session_observe, name="session_observe"),
    path("upcoming/", session_upcoming, name="session_upcoming"),
    path("upcoming/<int:pk>/", session_public, name="session_public"),
    path("upcoming/<int:pk>/register/", session_register, name="session_register"),
    path("upcoming/<int:pk>/withdraw/", session_withdraw, name="session_withdraw"),
]
