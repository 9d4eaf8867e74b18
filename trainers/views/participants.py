"""Views for a session's trainers, about its participants: the list, one
person at a time, account links, the export, and the feedback QR code with
its summary. Importing a spreadsheet is in ``imports``, attendance and
scores in ``attendance``.

Who may do what (see ``trainers.permissions``):

- personal data (list, attendance, scores, exports, feedback summary): the
  session's lead trainer and co-facilitators while their standing lets them
  work on it (not once suspended or demoted), master trainers and programme
  managers (``can_see_participants``);
- every change: the session's lead and co-facilitators only
  (``can_edit_session``) — master trainers and managers read, they do not
  write other people's lists.

The changes go through ``trainers.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kalanso.accounts import audit

from .. import exports, qr, services
from ..forms.participants import LinkAccountForm, ParticipantForm
from ..models import Participant
from ..permissions import can_edit_session, require
from .common import (
    display_code,
    editable_session,
    error_text,
    participants_context,
    viewable_session,
)

State = Participant.State


def _participant(session, ppk) -> Participant:
    person = get_object_or_404(Participant, pk=ppk, session=session)
    person.session = session
    return person


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
    session = viewable_session(request, pk)
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
                form.add_error(None, error_text(error))
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
        participants_context(
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
    session = editable_session(request, pk)
    person = _participant(session, ppk)
    if not services.participant_editable(person):
        messages.error(request, _("This participant can no longer be changed."))
        return redirect("trainers:participant_list", pk=session.pk)
    form = ParticipantForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_update(participant=person, details=form.person())
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("%(name)s has been updated.") % {"name": person.full_name}
            )
        return redirect("trainers:participant_list", pk=session.pk)
    return render(
        request,
        "trainers/participants/edit.html",
        participants_context(request, session, person=person, form=form),
    )


@require_POST
@login_required
def participant_withdraw(request, pk, ppk):
    session = editable_session(request, pk)
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
    """The trainer asks to link a record to the person's account: the account
    holder is invited to accept. The answer here is the same whether or not
    the address has an account, and nothing is linked until they accept."""
    session = editable_session(request, pk)
    person = _participant(session, ppk)
    if person.user_id or person.pseudonymised_at:
        messages.error(request, _("This participant is already linked to an account."))
        return redirect("trainers:participant_list", pk=session.pk)
    form = LinkAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_invitation_create(
                participant=person, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            form.add_error("email", error_text(error))
        else:
            messages.success(
                request,
                _(
                    "If an account uses the address %(email)s, its holder has "
                    "been asked to accept the link to %(name)s's record. The "
                    "record is linked only when they accept."
                )
                % {"email": form.cleaned_data["email"], "name": person.full_name},
            )
            return redirect("trainers:participant_list", pk=session.pk)
    return render(
        request,
        "trainers/participants/link.html",
        participants_context(
            request,
            session,
            person=person,
            form=form,
            code=display_code(person.claim_code),
        ),
    )


# Export --------------------------------------------------------------------


@require_GET
@never_cache
@login_required
def participant_export(request, pk, file_format):
    session = viewable_session(request, pk)
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


# The feedback QR code and summary ---------------------------------------------


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
    session = viewable_session(request, pk)
    url = request.build_absolute_uri(
        reverse("feedback_short", args=[session.feedback_token])
    )
    return render(
        request,
        "trainers/participants/feedback_qr.html",
        participants_context(
            request,
            session,
            short_url=url,
            qr_svg=qr.svg(url, title=_("QR code of the feedback link")),
            is_open=services.feedback_open(session),
            summary=feedback_summary(session),
        ),
    )


urlpatterns = [
    path(
        "sessions/<id:pk>/participants/",
        participant_list,
        name="participant_list",
    ),
    path(
        "sessions/<id:pk>/participants/<id:ppk>/edit/",
        participant_edit,
        name="participant_edit",
    ),
    path(
        "sessions/<id:pk>/participants/<id:ppk>/withdraw/",
        participant_withdraw,
        name="participant_withdraw",
    ),
    path(
        "sessions/<id:pk>/participants/<id:ppk>/link/",
        participant_link,
        name="participant_link",
    ),
    path(
        "sessions/<id:pk>/participants.<spreadsheet:file_format>",
        participant_export,
        name="participant_export",
    ),
    path("sessions/<id:pk>/feedback/", feedback_qr, name="feedback_qr"),
]
