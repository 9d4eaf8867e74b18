"""Every rate limit of the site, declared here, each in one :class:`Policy`:
whose attempts are counted (the key), how many are allowed per period, and
what happens when the cache cannot count (fail open: let the request through;
fail closed: refuse it).

Counting is django-ratelimit's (``django_ratelimit.core.get_usage``): a counter
in the Django cache (Redis in production, so every worker shares it) per
policy, key and window. Windows are fixed periods (a minute, an hour, a
day), each key's offset by a stable amount so they do not all end at once:
across the end of a window someone may get up to twice the limit in a short
time, never more.

Two ways to use a policy:

- ``POLICY.hit(request, …)`` counts this request and says whether it went over
  the limit (verification lookups, API calls);
- ``POLICY.reached(request, …)`` says, without counting, whether the limit is
  already reached; the view then calls ``hit`` only for what counts (a wrong
  claim code, an answer recorded).

The views answer "too many" in their own words (a 429 page, a form error, a
JSON error).

The cache that counts must be shared by every worker (Redis, or without it a
table of the database: settings, kalanso/cache.py), or four workers would allow
four times each limit: ``manage.py check --deploy`` refuses one that is not
(``kalanso.E101``). It must also raise its errors (settings: the "ratelimit" cache
when Redis is configured): a cache that ignores them answers a failed read
with the default, and ``reached`` would take it for a count of zero.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, Tags, register

from django_ratelimit.core import get_usage

from kalanso.http import client_address

logger = logging.getLogger(__name__)

MINUTE, HOUR, DAY = 60, 3600, 24 * 3600


@dataclass(frozen=True)
class Policy:
    name: str  # counted apart from every other policy
    key: Callable[..., str]  # (request, **context) → whose attempts
    limit: int | Callable[..., int]  # per period; (**context) → int if it depends
    period: int  # seconds
    fail_open: bool  # when the cache cannot count: let through, or refuse

    def allowed(self, **context) -> int:
        return self.limit(**context) if callable(self.limit) else self.limit

    def _count(self, request, context, *, limit: int, increment: bool):
        """The count in the current window, or None when the cache cannot
        count (django-ratelimit answers None then: ``RATELIMIT_FAIL_OPEN``)."""
        try:
            usage = get_usage(
                request,
                group=f"kalanso:{self.name}",
                key=lambda _group, request: self.key(request, **context),
                rate=(limit, self.period),
                increment=increment,
            )
        except Exception:  # noqa: BLE001 - a cache that raises cannot count
            usage = None
        if usage is None:
            logger.warning("Rate limit %s: the cache cannot count.", self.name)
            return None
        return usage["count"]

    def hit(self, request, **context) -> bool:
        """Count one attempt; True when it is over the limit."""
        if not _enabled():
            return False
        limit = self.allowed(**context)
        count = self._count(request, context, limit=limit, increment=True)
        if count is None:
            return not self.fail_open
        return count > limit

    def reached(self, request, **context) -> bool:
        """True when the limit is already reached (nothing is counted)."""
        if not _enabled():
            return False
        limit = self.allowed(**context)
        count = self._count(request, context, limit=limit, increment=False)
        if count is None:
            return not self.fail_open
        return count >= limit


def _enabled() -> bool:
    return getattr(settings, "RATELIMIT_ENABLE", True)


# Keys -----------------------------------------------------------------------------


def by_address(request, **context) -> str:
    return client_address(request)


def by_user(request, **context) -> str:
    return str(request.user.pk)


def by_session_and_address(request, *, session, **context) -> str:
    return f"{session.pk}:{client_address(request)}"


def by_token(request, *, token, **context) -> str:
    return str(token.pk)


def by_email(request, *, email, **context) -> str:
    return email.strip().lower()


# Limits that depend on something ------------------------------------------------


def verification_limit(**context) -> int:
    return int(getattr(settings, "KALANSO_VERIFY_RATE_LIMIT", 30))


def signups_per_address(**context) -> int:
    # A trainer may sign a whole class up through the venue's Wi-Fi: a
    # programme that runs larger sessions raises it.
    return int(getattr(settings, "KALANSO_SIGNUPS_PER_ADDRESS", 20))


FEEDBACK_MIN_PER_ADDRESS = 20


def feedback_limit(*, session, **context) -> int:
    # A whole class may share one address (the venue's Wi-Fi, a mobile
    # operator's NAT): allow as many answers as there are seats.
    return max(session.capacity, FEEDBACK_MIN_PER_ADDRESS)


# The policies ---------------------------------------------------------------------

# Certificate verification page and signed credential, per visitor address
# (``KALANSO_VERIFY_RATE_LIMIT`` a minute, 30 by default). Reading: open.
VERIFICATION = Policy(
    "certificate-lookup",
    key=by_address,
    limit=verification_limit,
    period=MINUTE,
    fail_open=True,
)

# Wrong participant claim codes, per account: 10 an hour. Guessing a secret:
# closed.
CLAIM_CODE = Policy(
    "participant-claim", key=by_user, limit=10, period=HOUR, fail_open=False
)

# Anonymous session feedback, per session and address: the session's capacity
# (at least 20) a day. Open: a class must be able to answer, and each browser
# is stopped from answering twice by its signed cookie anyway.
FEEDBACK = Policy(
    "session-feedback",
    key=by_session_and_address,
    limit=feedback_limit,
    period=DAY,
    fail_open=True,
)

# The reporting API, per token: 120 requests a minute. Reading: open.
API = Policy("reporting-api", key=by_token, limit=120, period=MINUTE, fail_open=True)

# Sign-ups (and new confirmation links), per client address
# (``KALANSO_SIGNUPS_PER_ADDRESS`` an hour, 20 by default) and per e-mail
# address (3 an hour): each sends an e-mail. Closed: flooding someone's inbox
# is what it stops.
SIGNUP_BY_ADDRESS = Policy(
    "signup-address",
    key=by_address,
    limit=signups_per_address,
    period=HOUR,
    fail_open=False,
)
SIGNUP_BY_EMAIL = Policy(
    "signup-email", key=by_email, limit=3, period=HOUR, fail_open=False
)

# Password-reset e-mails, per client address (20 an hour) and per e-mail
# address (3 an hour). Closed.
PASSWORD_RESET_BY_ADDRESS = Policy(
    "password-reset-address", key=by_address, limit=20, period=HOUR, fail_open=False
)
PASSWORD_RESET_BY_EMAIL = Policy(
    "password-reset-email", key=by_email, limit=3, period=HOUR, fail_open=False
)

# Login attempts through the site's form, per client address: 60 a minute (a
# class logging in at once). Failed logins are throttled by django-axes
# (kalanso/accounts/lockout.py); this caps the password hashing an address
# can cause, and refuses logins when the cache cannot count (closed).
LOGIN = Policy("login", key=by_address, limit=60, period=MINUTE, fail_open=False)

POLICIES = (
    VERIFICATION,
    CLAIM_CODE,
    FEEDBACK,
    API,
    SIGNUP_BY_ADDRESS,
    SIGNUP_BY_EMAIL,
    PASSWORD_RESET_BY_ADDRESS,
    PASSWORD_RESET_BY_EMAIL,
    LOGIN,
)


def over_limits(request, *policies, **context) -> bool:
    """Count this request against each policy in turn; True at the first one
    over its limit (the later ones are then not counted)."""
    return any(policy.hit(request, **context) for policy in policies)


# Deployment check -------------------------------------------------------------

# Caches that each process keeps to itself, or that do not count at all, or
# that lose counts between processes and machines.
NOT_SHARED = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def shared_store_check(app_configs, **kwargs):
    """Production counts every rate limit, and axes' login failures, in a
    store that all its workers share."""
    errors = []
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if not backend or backend in NOT_SHARED:
        errors.append(
            Error(
                f"Rate limits count in the cache {alias!r} ({backend or 'missing'}), "
                "which the workers do not share: each would allow the whole limit.",
                hint=(
                    "Set REDIS_URL, or keep the settings' default 'ratelimit' "
                    "cache (kalanso.cache.SharedCounterCache, a database table)."
                ),
                id="kalanso.E101",
            )
        )
    handler = getattr(settings, "AXES_HANDLER", "")
    axes_backend = settings.CACHES.get(
        getattr(settings, "AXES_CACHE", "default"), {}
    ).get("BACKEND", "")
    if handler.endswith("AxesCacheHandler") and axes_backend in NOT_SHARED:
        errors.append(
            Error(
                "Failed logins are counted in a cache the workers do not share.",
                hint="Keep AXES_HANDLER on the database (kalanso.accounts.lockout).",
                id="kalanso.E102",
            )
        )
    if handler.endswith(("AxesDummyHandler", "AxesTestHandler")) or not getattr(
        settings, "AXES_ENABLED", True
    ):
        errors.append(
            Error(
                "Failed logins are not counted: password guessing is not throttled.",
                hint="Keep AXES_HANDLER = 'kalanso.accounts.lockout.LoginLockoutHandler'.",
                id="kalanso.E103",
            )
        )
    return errors
