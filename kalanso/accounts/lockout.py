"""Password guessing is throttled here, with django-axes.

Every login form of the site (ours, the Django admin's and the Wagtail
admin's) authenticates through ``django.contrib.auth.authenticate``, where
axes' backend refuses a locked-out attempt and its signal handler records each
failure. Failures are kept in the database (axes' ``AccessAttempt``), which
every worker and process shares, whatever the cache.

Two limits, counted over the failures of the last ``AXES_COOLOFF_TIME``:

- per account (``KALANSO_LOGIN_FAILURES_PER_ACCOUNT``, 10): someone guessing
  one person's password from many addresses;
- per client address (``KALANSO_LOGIN_FAILURES_PER_ADDRESS``, 50): someone
  trying many accounts from one address. Higher, because a whole class may
  log in through one venue's Wi-Fi or a mobile operator's NAT.

A locked-out attempt is not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
LOCKOUT`` off), so the time the page gives to try again holds. A successful
login clears the account's failures (not the address's: logging into one's own
account must not reset the count of guesses at others); so does a new
password (reset by e-mail, changed, or set by an administrator).
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime

from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt

from kalanso.http import client_address

USERNAME_MAX_LENGTH = 255  # AccessAttempt.username


def account_limit() -> int:
    return int(getattr(settings, "KALANSO_LOGIN_FAILURES_PER_ACCOUNT", 10))


def address_limit() -> int:
    return int(getattr(settings, "KALANSO_LOGIN_FAILURES_PER_ADDRESS", 50))


def failure_limit(request=None, credentials=None) -> int:
    """``AXES_FAILURE_LIMIT``: the scale ``get_failures`` answers on."""
    return account_limit()


def username(request, credentials=None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the address typed in the form, normalised as
    the login backend reads it (so ``A@x.org `` and ``a@x.org`` count
    together), and cut to the column's length."""
    if credentials is not None:
        value = credentials.get("username")
    else:
        value = request.POST.get("username") if request is not None else None
    if not value:
        return None
    return str(value).strip().lower()[:USERNAME_MAX_LENGTH]


def ip_address(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the same client address as the other rate
    limits (``kalanso.http.client_address``), or None when it is not one."""
    value = client_address(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _recent(request):
    return AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request)
    )


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _locked_until(attempts, limit: int, cool_off) -> datetime | None:
    """When the failures in ``attempts`` drop under ``limit`` (None if they
    are under it now): the newest records hold fewer than ``limit`` failures
    once the record that brings them to it is older than the cool-off."""
    total = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        total += failures
        if total >= limit:
            return attempt_time + cool_off
    return None


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with one limit per account and another per
    address, and a successful login clearing only the account's failures."""

    def _attempts(self, request, credentials):
        recent = _recent(request)
        name = get_client_username(request, credentials)
        by_account = recent.filter(username=name) if name else recent.none()
        address = getattr(request, "axes_ip_address", None)
        by_address = recent.filter(ip_address=address) if address else recent.none()
        return by_account, by_address

    def get_failures(self, request, credentials=None) -> int:
        # On the account limit's scale: the address's failures reach it
        # exactly when they reach the address limit (floor(n*A/B) >= A iff
        # n >= B).
        by_account, by_address = self._attempts(request, credentials)
        scaled = _failures(by_address) * account_limit() // address_limit()
        return max(_failures(by_account), scaled)

    def locked_until(self, request, credentials=None) -> tuple[datetime | None, bool]:
        """(when the client may try again, whether the account is the one
        locked); (None, False) if nothing is locked."""
        cool_off = get_cool_off(request)
        by_account, by_address = self._attempts(request, credentials)
        account = _locked_until(by_account, account_limit(), cool_off)
        address = _locked_until(by_address, address_limit(), cool_off)
        until = max((t for t in (account, address) if t is not None), default=None)
        return until, account is not None

    def reset_user_attempts(self, request, credentials=None) -> int:
        name = get_client_username(request, credentials)
        if not name:
            return 0
        count, _ = AccessAttempt.objects.filter(username=name).delete()
        return count


def reset_account(email: str) -> None:
    """Forget the failed logins of an account (its password has changed)."""
    name = username(None, {"username": email})
    if name:
        AccessAttempt.objects.filter(username=name).delete()


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: a 429 page that says when to try again."""
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    until, by_account = (None, False)
    if isinstance(handler, LoginLockoutHandler):
        until, by_account = handler.locked_until(request, credentials)
    if until is None:  # raced with the end of the lockout: a full cool-off
        until = timezone.now() + get_cool_off(request)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    response = render(
        request,
        "accounts/locked_out.html",
        {"until": until, "minutes": minutes, "by_account": by_account},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
