"""``{% my_training_sessions %}``: the training sessions the reader takes part
in (signed up online, or entered by a trainer and claimed with the code), for
"My learning" (the courses app includes it without importing this app)."""

from django import template

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
