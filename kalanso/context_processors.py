from django.core.cache import cache


def navigation(request):
    """Whether to show the "Admin" link, cached per user for five minutes
    (the link only; the admin checks permissions itself)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_admin_link": False}

    def compute():
        return user.has_perm("wagtailadmin.access_admin")

    return {"show_admin_link": cache.get_or_set(f"admin-link:{user.pk}", compute, 300)}
