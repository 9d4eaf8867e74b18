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
    # The page's role answers (cached with the navigation) when it has them.
    answers = context.get("roles") or roles.UserRoles(user)
    return {
        "credentials": list(credentials),
        "show_sessions": answers.is_trainer or answers.can_see_all_sessions,
        "show_manage": answers.is_programme_manager,
    }
