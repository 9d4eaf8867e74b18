"""The view for participants with an account: claiming the record a trainer
entered for them, with the code the trainer gave them, so that the session
counts in their history. Any logged-in person may try; wrong codes are
rate-limited. The change goes through ``services.participant_claim``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kalanso import ratelimit

from .. import services
from ..forms.participants import ClaimForm
from ..models import Participant
from .common import error_text


@never_cache
@login_required
def participant_claim(request):
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
                form.add_error("code", error_text(error))
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


urlpatterns = [
    path("claim/", participant_claim, name="participant_claim"),
]
