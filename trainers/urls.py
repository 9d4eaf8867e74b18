"""The trainers' area: pool, sessions, participants, cascade, calendars.

Each views module declares its own ``urlpatterns``; they share the
``trainers`` namespace.
"""

from .views import participants, pool, sessions

app_name = "trainers"

urlpatterns = [
    *pool.urlpatterns,
    *sessions.urlpatterns,
    *participants.urlpatterns,
]
