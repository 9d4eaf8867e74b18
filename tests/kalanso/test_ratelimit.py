"""The rate-limit policies: counting per key and window, looking without
counting, and what each policy does when the cache cannot count."""

import dataclasses
import uuid
from types import SimpleNamespace

from django.test import RequestFactory

import pytest

from kalanso import ratelimit
from kalanso.ratelimit import Policy, by_address
from tests.services import REDIS_URL, require_redis

TEST = Policy("test", key=by_address, limit=3, period=60, fail_open=True)


def request(address="10.0.0.1", user_pk=1):
    made = RequestFactory().get("/", REMOTE_ADDR=address)
    made.user = SimpleNamespace(pk=user_pk, is_authenticated=True)
    return made


def test_hit_counts_per_key_until_over_the_limit():
    assert [TEST.hit(request()) for _ in range(4)] == [False, False, False, True]
    assert TEST.hit(request("10.0.0.2")) is False
    # Another policy counts apart, for the same address.
    other = dataclasses.replace(TEST, name="other")
    assert other.hit(request()) is False


def test_reached_looks_without_counting():
    for _ in range(5):
        assert TEST.reached(request()) is False
    for _ in range(2):
        TEST.hit(request())
    assert TEST.reached(request()) is False
    TEST.hit(request())
    assert TEST.reached(request()) is True


def test_counts_start_again_with_the_next_window(rate_limit_clock):
    for _ in range(4):
        TEST.hit(request())
    assert TEST.reached(request()) is True
    rate_limit_clock.advance(TEST.period)
    assert TEST.reached(request()) is False
    assert TEST.hit(request()) is False


def test_a_limit_may_depend_on_the_context():
    feedback = dataclasses.replace(ratelimit.FEEDBACK, limit=lambda session: 2)
    big = SimpleNamespace(pk=1, capacity=50)
    assert ratelimit.FEEDBACK.allowed(session=big) == 50
    assert ratelimit.FEEDBACK.allowed(session=SimpleNamespace(pk=2, capacity=5)) == 20
    assert [feedback.hit(request(), session=big) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    # Counted per session.
    assert feedback.hit(request(), session=SimpleNamespace(pk=2)) is False


def test_disabled_limits_never_refuse(settings):
    settings.RATELIMIT_ENABLE = False
    closed = dataclasses.replace(TEST, limit=0, fail_open=False)
    assert closed.hit(request()) is False
    assert closed.reached(request()) is False


def _redis_cache(location, **options):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": f"kalanso-tests-{uuid.uuid4().hex}",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, **options},
    }


@pytest.fixture
def counter_down(settings):
    """The rate-limit cache as configured with Redis, with no server behind
    it: its errors are raised."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-down": _redis_cache("redis://127.0.0.1:1/0"),
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-down"


def test_when_the_cache_cannot_count_each_policy_decides(counter_down):
    closed = dataclasses.replace(TEST, fail_open=False)
    assert TEST.hit(request()) is False and TEST.reached(request()) is False
    assert closed.hit(request()) is True and closed.reached(request()) is True


def test_declared_policies_fail_open_for_reading_and_closed_for_guessing(
    counter_down,
):
    session = SimpleNamespace(pk=1, capacity=10)
    token = SimpleNamespace(pk=1)
    # Reading a certificate, the reporting API, answering feedback: let through.
    assert ratelimit.VERIFICATION.hit(request()) is False
    assert ratelimit.API.hit(request(), token=token) is False
    assert ratelimit.FEEDBACK.reached(request(), session=session) is False
    # Guessing claim codes: refused.
    assert ratelimit.CLAIM_CODE.reached(request()) is True


def test_declared_limits(settings):
    settings.KALANSO_VERIFY_RATE_LIMIT = 7
    assert ratelimit.VERIFICATION.allowed() == 7
    assert (ratelimit.VERIFICATION.period, ratelimit.API.period) == (60, 60)
    assert (ratelimit.CLAIM_CODE.allowed(), ratelimit.CLAIM_CODE.period) == (10, 3600)
    assert ratelimit.API.allowed() == 120
    assert ratelimit.FEEDBACK.period == 24 * 3600


def test_a_cache_that_ignores_its_errors_cannot_count_hits(settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-down": _redis_cache("redis://127.0.0.1:1/0", IGNORE_EXCEPTIONS=True),
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-down"
    assert TEST.hit(request()) is False
    assert dataclasses.replace(TEST, fail_open=False).hit(request()) is True


def test_counts_in_redis(settings):
    """What production runs: every worker counts in the same Redis."""
    require_redis(REDIS_URL)
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-redis": _redis_cache(REDIS_URL),
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-redis"
    assert [TEST.hit(request()) for _ in range(4)] == [False, False, False, True]
    assert TEST.reached(request()) is True
    assert TEST.reached(request("10.0.0.2")) is False
