from django.core.cache import cache

from kalanso.accounts import roles
from kalanso.accounts.roles import PREDICATES
from kalanso.generation import page_cache_generation, read_ahead, read_ahead_value

# Role answers kept with the links: those of the links, and those the pages
# every trainee opens ask (the certificates on "Mes formations").
CACHED_ROLES = (
    "can_access_admin",
    "can_open_trainer_area",
    "can_see_dashboard",
    "is_master_trainer",
    "is_trainer",
    "can_see_all_sessions",
    "is_programme_manager",
)


def navigation_cache_key(user_id) -> str:
    return f"nav-links:{user_id}"


@read_ahead
def _navigation_read_ahead(request) -> list[str]:
    """A reader's links are fetched with the page-cache generation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [navigation_cache_key(user.pk)]


def navigation(request):
    """Which links of the main navigation a user sees, cached per user for
    five minutes (the links only; every view checks permissions itself), and
    the user's role predicates as ``roles`` for every template (the answers
    in CACHED_ROLES from the same cache entry: they only show links too).

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
        answers = {name: PREDICATES[name](user) for name in CACHED_ROLES}
        return {
            "show_admin_link": answers["can_access_admin"],
            "show_trainer_link": answers["can_open_trainer_area"],
            "show_dashboard_link": answers["can_see_dashboard"],
            # Master trainers: the reports waiting for their review (the
            # count itself is not cached: it changes with every review).
            "show_review_link": answers["is_master_trainer"],
            "roles": answers,
        }

    key = navigation_cache_key(user.pk)
    page_cache_generation()  # read once per request, with the links (read ahead)
    links = read_ahead_value(key, None) or cache.get(key)
    if links is None:
        links = compute()
        cache.set(key, links, 300)
    return {**links, "roles": roles.UserRoles(user, known=links.get("roles"))}
