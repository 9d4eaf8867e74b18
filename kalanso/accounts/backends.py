from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with the e-mail address, case-insensitively.

    Inactive accounts (e-mail not yet confirmed) are let through to the form,
    which then explains what to do instead of a generic "wrong password".
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Longer than any address an account can have: never looked up (a
        # 60,000-character "address" made SQLite's LIKE give up: a 500).
        # Every login form (the site's, Wagtail's, Django admin's) goes here.
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        limit = model._meta.get_field(model.USERNAME_FIELD).max_length
        if isinstance(username, str) and len(username) > limit:
            return None
        return super().authenticate(request, username, password, **kwargs)

    def user_can_authenticate(self, user):
        return True

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
