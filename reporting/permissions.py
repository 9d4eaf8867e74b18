"""Who may see the programme's figures and export its people's data.

Dashboards, exports and API tokens are for programme managers (and
administrators): :func:`kalanso.accounts.roles.is_programme_manager`.
Everybody else who is logged in gets 403; anonymous visitors are sent to log
in. The public summary page is the one exception (suppressed figures only).
"""

from kalanso.accounts.roles import can_see_dashboard, is_programme_manager


def can_view_dashboard(user) -> bool:
    return can_see_dashboard(user)


def can_export_personal_data(user) -> bool:
    """Personal-data exports: programme managers only, each one audited."""
    return is_programme_manager(user) and user.is_active


def can_use_api(user) -> bool:
    return is_programme_manager(user) and user.is_active
