"""Signed launch links for the content origin.

The content origin carries no Kalanso cookie, so its requests are authorised
by what is in their path, minted by the permission-checked lesson page:

- a *content* token ``{u, p, d, o}``: this user may read this package's files
  until the end of day ``d`` (stable for a day, so the browser caches the
  files across launches: slow links download them once);
- a *session* token ``{s, o}``: the player and the commits of one launch, valid
  ``SCORM_LAUNCH_SECONDS``.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core import signing

CONTENT_SALT = "scorm.content"
SESSION_SALT = "scorm.session"


def content_token(*, user_id: int, package_id: int, origin: str) -> str:
    """``origin``: the site's origin that frames the player (frame-ancestors)."""
    until = (date.today() + timedelta(days=1)).toordinal()
    return signing.dumps(
        {"u": user_id, "p": package_id, "d": until, "o": origin}, salt=CONTENT_SALT
    )


def read_content_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=CONTENT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int):
        return None
    if data["d"] < date.today().toordinal():
        return None
    return data


def session_token(session_id, *, origin: str) -> str:
    return signing.dumps({"s": str(session_id), "o": origin}, salt=SESSION_SALT)


def read_session_token(token: str) -> dict | None:
    """``{"s": session id, "o": site origin}``, or None."""
    try:
        data = signing.loads(
            token, salt=SESSION_SALT, max_age=settings.SCORM_LAUNCH_SECONDS
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str):
        return None
    return data
