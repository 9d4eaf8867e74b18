"""For "My learning" and the profile (the courses and accounts templates
include them without importing this app):

- ``{% my_training_sessions %}``: the training sessions the reader takes part
  in (signed up online, or entered by a trainer and claimed with the code);
- ``{% link_invitations %}``: the trainers' invitations to link a record to
  the reader's account, waiting for an answer."""

from django import template

from .. import services
from ..models import CascadeSession, Participant

register = template.Library()


@register.inclusion_tag("trainers/includes/my_sessions.html", takes_context=True)
def my_training_sessions(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"participations": []}
    participations = (
        Participant.objects.filter(user=user)
        .exclude(state=Participant.State.CANCELLED)
        .exclude(session__status=CascadeSession.Status.CANCELLED)
        .select_related("session", "session__place", "session__region")
        .order_by("-session__start_date", "-pk")
    )
    return {"participations": list(participations)}


@register.inclusion_tag("trainers/includes/link_invitations.html", takes_context=True)
def link_invitations(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"invitations": []}
    return {"invitations": list(services.pending_link_invitations(user))}
