"""The trainers' area: pool, sessions, participants, cascade, calendars.

Each views module serves one audience and declares its own ``urlpatterns``;
they share the ``trainers`` namespace:

- ``pool``: the trainer pool (directory, profiles, levels, cascade, calendars);
- ``sessions``: a session's trainers (their sessions, its life, the report);
- ``review``: master trainers (reviewing reports, observing co-facilitators);
- ``participants``, ``imports``, ``attendance``: a session's trainers, with
  its participants' personal data;
- ``public``: everyone (the public calendar, signing up, withdrawing);
- ``claim``: participants claiming the record a trainer entered;
- ``feedback``: participants' anonymous feedback (the short link is in
  ``kalanso.urls``).
"""

from .views import (
    attendance,
    claim,
    feedback,
    imports,
    participants,
    pool,
    public,
    review,
    sessions,
)

app_name = "trainers"

urlpatterns = [
    *pool.urlpatterns,
    *sessions.urlpatterns,
    *review.urlpatterns,
    *public.urlpatterns,
    *participants.urlpatterns,
    *imports.urlpatterns,
    *attendance.urlpatterns,
    *claim.urlpatterns,
    *feedback.urlpatterns,
]
