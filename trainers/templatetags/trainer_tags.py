"""``{% reports_to_review_link %}``: the navigation's link to the reports
waiting for the reader's review, with their count (master trainers; the
site's base template shows it without the site layer importing this app)."""

from django import template

from ..permissions import reports_awaiting_review

register = template.Library()


@register.inclusion_tag("trainers/includes/review_nav_link.html", takes_context=True)
def reports_to_review_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"count": None}
    return {"count": reports_awaiting_review(user).count()}
