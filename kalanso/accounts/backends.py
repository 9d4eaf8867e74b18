from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with the e-mail address, case-insensitively.

    Inactive accounts (e-mail not yet confirmed) are let through to the form,
    which then explains what to do instead of a generic "wrong password".
    """

    def user_can_authenticate(self, user):
        return True

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
