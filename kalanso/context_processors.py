from django.core.cache import cache


def navigation(request):
    """Which links of the main navigation a user sees, cached per user for
    five minutes (the links only; every view checks permissions itself)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "show_admin_link": False,
            "show_trainer_link": False,
            "show_dashboard_link": False,
        }

    def compute():
        from trainers.models import TrainerProfile

        return {
            "show_admin_link": user.has_perm("wagtailadmin.access_admin"),
            "show_trainer_link": (
                user.has_perm("trainers.view_trainer_directory")
                or user.has_perm("trainers.view_all_sessions")
                or TrainerProfile.objects.filter(user=user).exists()
            ),
            "show_dashboard_link": user.has_perm("trainers.view_whole_cascade"),
        }

    return cache.get_or_set(f"nav-links:{user.pk}", compute, 300)
