"""A cascade session's participants: the list, one person at a time or a
whole spreadsheet, account links and claim codes, attendance, paper-test
scores, exports, and the anonymous feedback reached by a short link or QR code.

Who may do what (see ``trainers.permissions``):

- personal data (list, attendance, scores, exports, feedback summary): the
  session's lead trainer and co-facilitators while their standing lets them
  work on it (not once suspended or demoted), master trainers and programme
  managers (``can_see_participants``);
- every change: the session's lead and co-facilitators only
  (``can_edit_session``) — master trainers and managers read, they do not
  write other people's lists;
- claiming a record with a code: any logged-in person;
- giving feedback: anyone holding the session's link, without an account.
"""

import re
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, re_path, reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from kalanso import ratelimit
from kalanso.accounts import audit, roles

from .. import exports, importing, qr, services
from ..forms.participants import (
    AttendanceForm,
    ClaimForm,
    FeedbackForm,
    ImportForm,
    LinkAccountForm,
    ParticipantForm,
    ScoresForm,
)
from ..models import CascadeSession, Participant
from ..permissions import can_edit_session, can_see_participants, require

Status = CascadeSession.Status
State = Participant.State

IMPORT_SESSION_KEY = "trainers_participant_import"
IMPORT_TTL_SECONDS = 3600
FEEDBACK_COOKIE_SALT = "trainers.feedback"
FEEDBACK_COOKIE_AGE = 365 * 24 * 3600
TOKEN = re.compile(r"[A-Z0-9]{4,12}")


# Helpers -------------------------------------------------------------------


def _session(pk) -> CascadeSession:
    return get_object_or_404(
        CascadeSession.objects.select_related("course", "lead_trainer"), pk=pk
    )


def _viewable(request, pk) -> CascadeSession:
    session = _session(pk)
    require(can_see_participants(request.user, session))
    return session


def _editable(request, pk) -> CascadeSession:
    session = _session(pk)
    require(can_edit_session(request.user, session))
    return session


def _participant(session, ppk) -> Participant:
    person = get_object_or_404(Participant, pk=ppk, session=session)
    person.session = session
    return person


def _session_url(session) -> str:
    """The session's own page (from the sessions views), or the list."""
    try:
        return reverse("trainers:session_detail", args=[session.pk])
    except NoReverseMatch:
        return reverse("trainers:participant_list", args=[session.pk])


def _context(request, session, **extra):
    return {
        "session": session,
        "session_url": _session_url(session),
        "can_edit": can_edit_session(request.user, session),
        **extra,
    }


def display_code(code: str) -> str:
    """ABCDE23456 → ABCDE-23456, easier to read aloud and copy."""
    return f"{code[:5]}-{code[5:]}" if len(code) > 6 else code


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# The list and one person ---------------------------------------------------


def _people(session):
    order = Case(
        When(state=State.REGISTERED, then=Value(0)),
        When(state=State.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        session.participants.select_related("user")
        .annotate(
            days_present=Count("attendance", filter=Q(attendance__present=True)),
            state_order=order,
        )
        .order_by("state_order", "registered_at", "pk")
    )


@never_cache
@login_required
def participant_list(request, pk):
    session = _viewable(request, pk)
    can_edit = can_edit_session(request.user, session)
    can_add = can_edit and services.open_for_entry(session)
    form = ParticipantForm(request.POST or None) if can_add else None
    if request.method == "POST":
        require(can_edit)
        if not can_add:
            messages.error(
                request, _("Participants can no longer be added to this session.")
            )
            return redirect("trainers:participant_list", pk=session.pk)
        if form.is_valid():
            try:
                services.participants_add(
                    session=session,
                    people=[form.person()],
                    source=Participant.Source.TRAINER,
                )
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(
                    request,
                    _("%(name)s has been added.")
                    % {"name": form.cleaned_data["full_name"]},
                )
                return redirect("trainers:participant_list", pk=session.pk)
    people = list(_people(session))
    for person in people:
        person.code_display = display_code(person.claim_code)
    counts = dict.fromkeys(State.values, 0)
    for person in people:
        counts[person.state] += 1
    return render(
        request,
        "trainers/participants/list.html",
        _context(
            request,
            session,
            people=people,
            form=form,
            can_add=can_add,
            can_withdraw=can_edit and services.open_for_entry(session),
            registered=counts[State.REGISTERED],
            waiting=counts[State.WAITLISTED],
            days=len(session.days),
            claim_url=request.build_absolute_uri(reverse("trainers:participant_claim")),
        ),
    )


@never_cache
@login_required
def participant_edit(request, pk, ppk):
    session = _editable(request, pk)
    person = _participant(session, ppk)
    if not services.participant_editable(person):
        messages.error(request, _("This participant can no longer be changed."))
        return redirect("trainers:participant_list", pk=session.pk)
    form = ParticipantForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_update(participant=person, details=form.person())
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("%(name)s has been updated.") % {"name": person.full_name}
            )
        return redirect("trainers:participant_list", pk=session.pk)
    return render(
        request,
        "trainers/participants/edit.html",
        _context(request, session, person=person, form=form),
    )


@require_POST
@login_required
def participant_withdraw(request, pk, ppk):
    session = _editable(request, pk)
    person = _participant(session, ppk)
    if not services.open_for_entry(session):
        messages.error(request, _("This participant can no longer be changed."))
        return redirect("trainers:participant_list", pk=session.pk)
    if person.state == State.CANCELLED:
        messages.error(request, _("This person had already withdrawn."))
        return redirect("trainers:participant_list", pk=session.pk)
    promoted = services.participant_withdraw(participant=person)
    messages.success(
        request, _("%(name)s has been withdrawn.") % {"name": person.full_name}
    )
    if promoted:
        messages.success(
            request,
            _("%(name)s moved from the waiting list to the session.")
            % {"name": promoted.full_name},
        )
    return redirect("trainers:participant_list", pk=session.pk)


@never_cache
@login_required
def participant_link(request, pk, ppk):
    """The trainer links a record to the person's existing account."""
    session = _editable(request, pk)
    person = _participant(session, ppk)
    if person.user_id or person.pseudonymised_at:
        messages.error(request, _("This participant is already linked to an account."))
        return redirect("trainers:participant_list", pk=session.pk)
    form = LinkAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_link(participant=person, user=form.user)
        except ValidationError as error:
            form.add_error("email", _error_text(error))
        else:
            messages.success(
                request,
                _("%(name)s is now linked to the account %(email)s.")
                % {"name": person.full_name, "email": form.user.email},
            )
            return redirect("trainers:participant_list", pk=session.pk)
    return render(
        request,
        "trainers/participants/link.html",
        _context(
            request,
            session,
            person=person,
            form=form,
            code=display_code(person.claim_code),
        ),
    )


@never_cache
@login_required
def participant_claim(request):
    """Someone who was entered by a trainer claims that record with the code
    the trainer gave them, so that the session counts in their history."""
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if ratelimit.CLAIM_CODE.reached(request):
            form.is_valid()
            form.add_error(
                None,
                _("Too many wrong codes. Wait an hour, then try again."),
            )
            status = 429
        elif form.is_valid():
            try:
                person = services.participant_claim(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                ratelimit.CLAIM_CODE.hit(request)
                form.add_error("code", _error_text(error))
            else:
                messages.success(
                    request,
                    _("The session “%(session)s” is now part of your history.")
                    % {"session": person.session.title},
                )
                return redirect("trainers:participant_claim")
    claimed = (
        Participant.objects.filter(user=request.user)
        .select_related("session")
        .order_by("-session__start_date")
    )
    return render(
        request,
        "trainers/participants/claim.html",
        {"form": form, "claimed": claimed},
        status=status,
    )


# Import --------------------------------------------------------------------


@never_cache
@login_required
def participant_import(request, pk):
    session = _editable(request, pk)
    if not services.open_for_entry(session):
        messages.error(
            request, _("Participants can no longer be added to this session.")
        )
        return redirect("trainers:participant_list", pk=session.pk)
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, session)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = _context(request, session, form=form, seats=_seats(session))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(importing.MAX_BYTES + 1)
        try:
            preview = importing.parse(
                data, upload.name or "", existing=importing.existing_people(session)
            )
        except importing.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            context["preview"] = preview
            if len(preview.rows) > context["seats"]:
                context["capacity_error"] = _(
                    "Only %(left)s seats are left in this session; the file "
                    "holds %(count)s people. Raise the capacity first."
                ) % {"left": context["seats"], "count": len(preview.rows)}
            elif preview.is_valid:
                token = secrets.token_urlsafe(24)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "session": session.pk,
                    "people": preview.people(),
                    "at": time.time(),
                }
                context["token"] = token
    return render(request, "trainers/participants/import.html", context)


def _seats(session) -> int:
    return services.seats_left(session)


def _import_confirm(request, session):
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    token = request.POST.get("token", "")
    if (
        not stored
        or stored.get("session") != session.pk
        or not constant_time_compare(stored.get("token", ""), token)
        or time.time() - stored.get("at", 0) > IMPORT_TTL_SECONDS
    ):
        messages.error(
            request,
            _("This preview has expired or was already used. Upload the file again."),
        )
        return redirect("trainers:participant_import", pk=session.pk)
    try:
        created = services.participants_import(session=session, people=stored["people"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("trainers:participant_import", pk=session.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s participant imported.",
            "%(count)s participants imported.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("trainers:participant_list", pk=session.pk)


@require_safe
@login_required
def participant_import_template(request, file_format):
    """The list to fill in, titled in the current language (no personal data,
    but only for people in the trainer pool and programme staff)."""
    user = request.user
    require(roles.is_in_trainer_pool(user) or roles.can_see_all_sessions(user))
    language = translation.get_language() or settings.LANGUAGE_CODE
    if file_format == "xlsx":
        content = importing.template_xlsx()
        content_type = exports.XLSX_CONTENT_TYPE
    else:
        content = importing.template_csv()
        content_type = exports.CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    filename = f"participants-template-{language}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Attendance and scores -----------------------------------------------------


def _registered(session):
    return session.participants.filter(state=State.REGISTERED).order_by(
        "full_name", "pk"
    )


@never_cache
@login_required
def attendance(request, pk):
    session = _viewable(request, pk)
    may_edit = can_edit_session(request.user, session)
    is_open = services.attendance_open(session)
    if request.method == "POST":
        require(may_edit)
        if not is_open:
            messages.error(request, services.attendance_closed_reason(session))
            return redirect("trainers:attendance", pk=session.pk)
        form = AttendanceForm(session, _registered(session), request.POST)
        shown, present, was_present = form.marks()
        try:
            count = services.attendance_record(
                session=session, shown=shown, present=present, was_present=was_present
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)s people present at least one day.")
                % {"count": count},
            )
        return redirect("trainers:attendance", pk=session.pk)
    form = AttendanceForm(session, _registered(session))
    return render(
        request,
        "trainers/participants/attendance.html",
        _context(
            request,
            session,
            form=form,
            rows=list(form.rows()),
            days=form.days,
            editable=may_edit and is_open,
            closed_reason="" if is_open else services.attendance_closed_reason(session),
        ),
    )


@never_cache
@login_required
def scores(request, pk):
    session = _viewable(request, pk)
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
                messages.error(request, _error_text(error))
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
        _context(
            request,
            session,
            form=form,
            rows=list(form.rows()),
            papers=papers,
            editable=may_edit and is_open,
            closed_reason="" if is_open else services.attendance_closed_reason(session),
        ),
    )


# Export --------------------------------------------------------------------


@require_GET
@never_cache
@login_required
def participant_export(request, pk, file_format):
    session = _viewable(request, pk)
    table = exports.participant_table(session)
    if file_format == "xlsx":
        content = exports.xlsx(table, session)
        content_type = exports.XLSX_CONTENT_TYPE
    else:
        content = exports.csv_bytes(table)
        content_type = exports.CSV_CONTENT_TYPE
    audit.record(
        request.user,
        "export_personal_data",
        session,
        rows=table.row_count,
        file_format=file_format,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(session, file_format)}"'
    )
    return response


# Feedback ------------------------------------------------------------------


def feedback_summary(session) -> dict:
    totals = session.feedback.aggregate(count=Count("pk"), mean=Avg("satisfaction"))
    by_value = dict(
        session.feedback.order_by()
        .values_list("satisfaction")
        .annotate(n=Count("pk"))
        .values_list("satisfaction", "n")
    )
    count = totals["count"] or 0
    distribution = [
        {
            "value": value,
            "count": by_value.get(value, 0),
            "percent": round(100 * by_value.get(value, 0) / count) if count else 0,
        }
        for value in range(1, 6)
    ]
    comments = list(
        session.feedback.exclude(comment="")
        .order_by("-created_at", "-pk")
        .values_list("comment", flat=True)[:500]
    )
    return {
        "count": count,
        "mean": totals["mean"],
        "distribution": distribution,
        "comments": comments,
    }


@never_cache
@login_required
def feedback_qr(request, pk):
    session = _viewable(request, pk)
    url = request.build_absolute_uri(
        reverse("feedback_short", args=[session.feedback_token])
    )
    return render(
        request,
        "trainers/participants/feedback_qr.html",
        _context(
            request,
            session,
            short_url=url,
            qr_svg=qr.svg(url, title=_("QR code of the feedback link")),
            is_open=services.feedback_open(session),
            summary=feedback_summary(session),
        ),
    )


@never_cache
def feedback_short(request, token):
    """/f/<token>: the link on the screen and in the QR code. Sends people to
    the form in their browser's language (French by default)."""
    token = (token or "").strip().upper()
    if not TOKEN.fullmatch(token):
        raise Http404
    if not CascadeSession.objects.filter(feedback_token=token).exists():
        raise Http404
    language = translation.get_language_from_request(request)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        url = reverse("trainers:feedback_form", args=[token])
    return redirect(url)


def _feedback_session(token) -> CascadeSession:
    token = (token or "").strip().upper()
    if not TOKEN.fullmatch(token):
        raise Http404
    return get_object_or_404(CascadeSession, feedback_token=token)


def _cookie_name(session) -> str:
    return f"kalanso_feedback_{session.pk}"


def _answered(request, session) -> bool:
    value = request.get_signed_cookie(
        _cookie_name(session), default=None, salt=FEEDBACK_COOKIE_SALT
    )
    return value == session.feedback_token


def _closed(request, session):
    return render(
        request,
        "trainers/participants/feedback_form.html",
        {"session": session, "closed": True},
        status=403 if request.method == "POST" else 200,
    )


@never_cache
def feedback_form(request, token):
    session = _feedback_session(token)
    if _answered(request, session):
        return redirect("trainers:feedback_thanks", token=session.feedback_token)
    if not services.feedback_open(session):
        return _closed(request, session)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.FEEDBACK.reached(request, session=session):
            form.add_error(
                None,
                _("Too many answers came from your network. Try again tomorrow."),
            )
            status = 429
        else:
            ratelimit.FEEDBACK.hit(request, session=session)
            try:
                services.feedback_create(
                    session=session,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError:
                return _closed(request, session)
            response = redirect(
                "trainers:feedback_thanks", token=session.feedback_token
            )
            response.set_signed_cookie(
                _cookie_name(session),
                session.feedback_token,
                salt=FEEDBACK_COOKIE_SALT,
                max_age=FEEDBACK_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "trainers/participants/feedback_form.html",
        {"session": session, "form": form},
        status=status,
    )


@never_cache
def feedback_thanks(request, token):
    session = _feedback_session(token)
    return render(
        request, "trainers/participants/feedback_thanks.html", {"session": session}
    )


urlpatterns = [
    path(
        "sessions/<int:pk>/participants/",
        participant_list,
        name="participant_list",
    ),
    path(
        "sessions/<int:pk>/participants/<int:ppk>/edit/",
        participant_edit,
        name="participant_edit",
    ),
    path(
        "sessions/<int:pk>/participants/<int:ppk>/withdraw/",
        participant_withdraw,
        name="participant_withdraw",
    ),
    path(
        "sessions/<int:pk>/participants/<int:ppk>/link/",
        participant_link,
        name="participant_link",
    ),
    path("claim/", participant_claim, name="participant_claim"),
    path("sessions/<int:pk>/import/", participant_import, name="participant_import"),
    re_path(
        r"^sessions/import-template\.(?P<file_format>csv|xlsx)$",
        participant_import_template,
        name="participant_import_template",
    ),
    path("sessions/<int:pk>/attendance/", attendance, name="attendance"),
    path("sessions/<int:pk>/scores/", scores, name="scores"),
    re_path(
        r"^sessions/(?P<pk>[0-9]+)/participants\.(?P<file_format>csv|xlsx)$",
        participant_export,
        name="participant_export",
    ),
    path("sessions/<int:pk>/feedback/", feedback_qr, name="feedback_qr"),
    path("feedback/<str:token>/", feedback_form, name="feedback_form"),
    path("feedback/<str:token>/thanks/", feedback_thanks, name="feedback_thanks"),
]
