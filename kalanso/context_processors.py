from django.core.cache import cache

from kalanso.accounts import roles


def navigation_cache_key(user_id) -> str:
    return f"nav-links:{user_id}"


def navigation(request):
    """Which links of the main navigation a user sees, cached per user for
    five minutes (the links only; every view checks permissions itself), and
    the user's role predicates as ``roles`` for every template.

    The links ask the role predicates only (``kalanso.accounts.roles``): the
    site layer imports no app above it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "show_admin_link": False,
            "show_trainer_link": False,
            "show_dashboard_link": False,
            "show_review_link": False,
            "roles": roles.UserRoles(user),
        }

    def compute():
        return {
            "show_admin_link": roles.can_access_admin(user),
            "show_trainer_link": roles.can_open_trainer_area(user),
            "show_dashboard_link": roles.can_see_dashboard(user),
            # Master trainers: the reports waiting for their review (the
            # count itself is not cached: it changes with every review).
            "show_review_link": roles.is_master_trainer(user),
        }

    links = cache.get_or_set(navigation_cache_key(user.pk), compute, 300)
    return {**links, "roles": roles.UserRoles(user)}
