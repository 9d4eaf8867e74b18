"""The real services some tests need, and how they find them.

Redis: ``KALANSO_TEST_REDIS_URL`` (default database 11 of 127.0.0.1:6379,
which CI runs). A test that needs Redis fails, never skips, when none answers:
a missing service must not turn into a green run."""

import os

import pytest

REDIS_URL = os.environ.get("KALANSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def require_redis(url: str = REDIS_URL):
    """A client of the Redis at ``url``; the test fails if it does not answer."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(
            f"No Redis at {url} ({error}): this test needs one. Start Redis or "
            "point KALANSO_TEST_REDIS_URL at one."
        )
    return client
