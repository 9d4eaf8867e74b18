"""People's rights, in pages: account holders get a copy of their data or
erase their account; programme managers do the same for participants
without an account. Thin: the rules are in ``export``, ``erasure`` and
``permissions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kalanso.accounts import audit
from kalanso.spreadsheets import CSV_CONTENT_TYPE
from trainers.models import Participant
from trainers.permissions import require

from . import erasure, export
from .forms import EraseForm, ReasonForm
from .permissions import can_manage_people

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Account holders ----------------------------------------------------------------------


@never_cache
@login_required
def my_data(request):
    form = EraseForm(user=request.user)
    return render(request, "privacy/my_data.html", {"form": form})


@never_cache
@login_required
@require_GET
def my_data_export(request, fmt):
    data = export.person_data(request.user)
    audit.record(request.user, "accounts.export_own_data", request.user, format=fmt)
    if fmt == "json":
        response = HttpResponse(export.as_json(data), content_type=JSON_CONTENT_TYPE)
        return _attachment(response, "my-kalanso-data.json")
    response = HttpResponse(export.as_csv(data), content_type=CSV_CONTENT_TYPE)
    return _attachment(response, "my-kalanso-data.csv")


@never_cache
@require_POST
@login_required
def my_data_erase(request):
    form = EraseForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "privacy/my_data.html", {"form": form}, status=400)
    user = request.user
    erasure.person_erase(user, by=user, reason="requested by the person")
    logout(request)
    messages.success(
        request,
        _("Your account is closed and your personal data erased. Goodbye."),
    )
    # The home page in the language the person was reading: a bare "/" would
    # pick one from the browser, and the goodbye would be in the other one.
    return redirect(f"/{translation.get_language()}/")


# Participants without an account (programme managers) ------------------------------------

PEOPLE_LIMIT = 50


@never_cache
@login_required
@require_GET
def people(request):
    require(can_manage_people(request.user))
    q = (request.GET.get("q") or "").strip()[:100]
    results = []
    if q:
        results = list(
            Participant.objects.filter(
                Q(full_name__icontains=q) | Q(claim_code__iexact=q) | Q(phone=q)
            )
            .select_related("session", "session__region")
            .order_by("full_name", "pk")[:PEOPLE_LIMIT]
        )
        audit.record(
            request.user, "reporting.people_search", None, results=len(results)
        )
    return render(
        request,
        "privacy/people.html",
        {"q": q, "results": results, "limit": PEOPLE_LIMIT},
    )


def _participant(pk):
    return get_object_or_404(
        Participant.objects.select_related(
            "session", "session__region", "session__course"
        ),
        pk=pk,
    )


@never_cache
@login_required
@require_GET
def participant_detail(request, pk):
    require(can_manage_people(request.user))
    participant = _participant(pk)
    audit.record(request.user, "reporting.participant_view", participant)
    return render(
        request,
        "privacy/participant.html",
        {"participant": participant, "form": ReasonForm()},
    )


@never_cache
@login_required
@require_GET
def participant_export(request, pk):
    require(can_manage_people(request.user))
    participant = _participant(pk)
    data = export.participant_data(participant, by=request.user)
    response = HttpResponse(export.as_json(data), content_type=JSON_CONTENT_TYPE)
    return _attachment(response, f"participant-{participant.pk}.json")


@never_cache
@require_POST
@login_required
def participant_erase(request, pk):
    require(can_manage_people(request.user))
    participant = _participant(pk)
    form = ReasonForm(request.POST)
    if participant.user_id is not None:
        messages.error(
            request,
            _(
                "This participant has an account: the person erases it from their own page."
            ),
        )
        return redirect("privacy:participant", pk=participant.pk)
    if not form.is_valid():
        return render(
            request,
            "privacy/participant.html",
            {"participant": participant, "form": form},
            status=400,
        )
    erasure.participant_erase(
        participant, by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("The participant's personal data is erased."))
    return redirect("privacy:participant", pk=participant.pk)
