"""Programme managers: find a credential, revoke it with a reason, reissue it
after a name correction. Everything here is audit-logged by the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from trainers.permissions import require

from .. import issuance
from ..forms import ReissueForm, RevokeForm, SearchForm
from ..models import Credential, normalise_short_code
from ..permissions import can_manage

State = Credential.State


def search(form: SearchForm):
    credentials = Credential.objects.all()
    if not form.is_valid():
        return credentials.none()
    data = form.cleaned_data
    query = data["q"].strip()
    if query:
        short = normalise_short_code(query)
        matches = Q(holder_name__icontains=query) | Q(code=query)
        if short:
            matches |= Q(short_code=short)
        credentials = credentials.filter(matches)
    if data["kind"]:
        credentials = credentials.filter(kind=data["kind"])
    today = timezone.localdate()
    if data["state"] == State.REVOKED:
        credentials = credentials.filter(revoked_at__isnull=False)
    elif data["state"] == State.EXPIRED:
        credentials = credentials.filter(revoked_at__isnull=True, valid_until__lt=today)
    elif data["state"] == State.VALID:
        credentials = credentials.filter(revoked_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
    if data["issued_from"]:
        credentials = credentials.filter(issued_on__gte=data["issued_from"])
    if data["issued_to"]:
        credentials = credentials.filter(issued_on__lte=data["issued_to"])
    return credentials.order_by("-created_at", "-pk")


@never_cache
@require_safe
@login_required
def manage_list(request):
    require(can_manage(request.user))
    form = SearchForm(request.GET)
    page = Paginator(search(form), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/manage_list.html",
        {
            "form": form,
            "page": page,
            "credentials": page.object_list,
            "today": timezone.localdate(),
        },
    )


def _detail(request, credential, revoke_form=None, reissue_form=None, status=200):
    editions = (
        Credential.objects.filter(award_key=credential.award_key)
        .exclude(pk=credential.pk)
        .order_by("edition")
    )
    return render(
        request,
        "certificates/manage_detail.html",
        {
            "credential": credential,
            "state": credential.state(),
            "editions": editions,
            "revoke_form": revoke_form or RevokeForm(),
            "reissue_form": reissue_form
            or ReissueForm(initial={"holder_name": credential.holder_name}),
        },
        status=status,
    )


def _managed(request, pk):
    require(can_manage(request.user))
    return get_object_or_404(
        Credential.objects.select_related("user", "participant", "session"), pk=pk
    )


@never_cache
@require_safe
@login_required
def manage_detail(request, pk):
    return _detail(request, _managed(request, pk))


@never_cache
@require_POST
@login_required
def manage_revoke(request, pk):
    credential = _managed(request, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _detail(request, credential, revoke_form=form, status=400)
    try:
        issuance.credential_revoke(
            credential, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The certificate is revoked."))
    return redirect("certificates:manage_detail", pk=credential.pk)


@never_cache
@require_POST
@login_required
def manage_reissue(request, pk):
    credential = _managed(request, pk)
    form = ReissueForm(request.POST)
    if not form.is_valid():
        return _detail(request, credential, reissue_form=form, status=400)
    try:
        new = issuance.credential_reissue(
            credential,
            by=request.user,
            holder_name=form.cleaned_data["holder_name"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error("holder_name", error)
        return _detail(request, credential, reissue_form=form, status=400)
    messages.success(
        request,
        _("A corrected certificate was issued; the previous one is revoked."),
    )
    return redirect("certificates:manage_detail", pk=new.pk)
