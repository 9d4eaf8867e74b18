"""Who may exercise people's rights on someone else's behalf.

Every account holder exports and erases their own data; the data of
participants without an account is handled by programme managers (and
administrators): the role is :func:`kalanso.accounts.roles.is_programme_manager`.
"""

from kalanso.accounts.roles import is_programme_manager


def can_manage_people(user) -> bool:
    """Export and erase the data of participants without an account."""
    return is_programme_manager(user) and user.is_active
