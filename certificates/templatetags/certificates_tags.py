"""``{% my_certificates %}``: the reader's certificates, for "My learning"
(the courses app includes it without importing this app)."""

from django import template
from django.db.models import Q

from kalanso.accounts import roles

from ..models import Credential

register = template.Library()


@register.inclusion_tag("certificates/includes/my_credentials.html", takes_context=True)
def my_certificates(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"credentials": []}
    credentials = (
        Credential.objects.filter(Q(user=user) | Q(participant__user=user))
        .exclude(
            revocation_cause__in=[
                Credential.Cause.REISSUED,
                Credential.Cause.SUPERSEDED,
            ]
        )
        .order_by("-issued_on", "-pk")
    )
    return {
        "credentials": list(credentials),
        "show_sessions": roles.is_trainer(user) or roles.can_see_all_sessions(user),
        "show_manage": roles.is_programme_manager(user),
    }
