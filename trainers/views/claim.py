"""The views for participants with an account, about the record a trainer
entered for them, so that the session counts in their history:

- claiming it with the code the trainer gave them (any logged-in person may
  try; wrong codes are rate-limited; ``services.participant_claim``);
- answering a trainer's invitation to link it to their account (only the
  person invited; anyone else gets a 404, as for a token that does not
  exist; ``services.link_invitation_accept`` / ``_decline``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kalanso import ratelimit

from .. import services
from ..forms.participants import ClaimForm, LinkAnswerForm
from ..models import LinkInvitation, Participant
from ..permissions import can_answer_link_invitation
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


@never_cache
@login_required
def link_invitation(request, token):
    invitation = (
        LinkInvitation.objects.select_related(
            "participant__session", "invited_by", "user"
        )
        .filter(token=token[:64])
        .first()
    )
    if invitation is None or not can_answer_link_invitation(request.user, invitation):
        raise Http404
    form = LinkAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["action"] == "accept"
        try:
            if accept:
                services.link_invitation_accept(
                    invitation=invitation, user=request.user
                )
            else:
                services.link_invitation_decline(
                    invitation=invitation, user=request.user
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            session = invitation.participant.session.title
            if accept:
                messages.success(
                    request,
                    _("The session “%(session)s” is now part of your history.")
                    % {"session": session},
                )
            else:
                messages.success(
                    request,
                    _("You declined. Nothing was linked to your account."),
                )
        return redirect("courses:my_learning")
    return render(
        request,
        "trainers/participants/link_invitation.html",
        {
            "invitation": invitation,
            "session": invitation.participant.session,
            "open": invitation.status == LinkInvitation.Status.PENDING
            and not invitation.expired,
        },
    )


urlpatterns = [
    path("claim/", participant_claim, name="participant_claim"),
    path("invitations/<str:token>/", link_invitation, name="link_invitation"),
]
