"""Rate limits count in a store that every worker shares (issue #12, finding
7): Redis with REDIS_URL, otherwise a table of the database; production
without either fails ``manage.py check --deploy``."""

import pytest

from kalanso.ratelimit import shared_store_check
from tests import processes


def manage(*args, settings=processes.PRODUCTION, **env):
    """In the background, without the test process's Redis or database."""
    return processes.start(
        *args, settings=settings, without=("REDIS_URL", "DATABASE_URL"), **env
    )


finish = processes.finish


def ids(errors):
    return [error.id for error in errors]


def test_embedded_default_counts_in_the_database(settings):
    from kalanso.settings import base

    assert base.RATELIMIT_USE_CACHE == "ratelimit"
    if not base.REDIS_URL:
        assert base.CACHES["ratelimit"]["BACKEND"] == "kalanso.cache.SharedCounterCache"


@pytest.mark.parametrize(
    "backend,expected",
    [
        ("kalanso.cache.SharedCounterCache", []),
        ("django_redis.cache.RedisCache", []),
        ("django.core.cache.backends.locmem.LocMemCache", ["kalanso.E101"]),
        ("django.core.cache.backends.dummy.DummyCache", ["kalanso.E101"]),
        ("django.core.cache.backends.filebased.FileBasedCache", ["kalanso.E101"]),
    ],
)
def test_deploy_check_knows_which_caches_are_shared(settings, backend, expected):
    settings.CACHES = {**settings.CACHES, "counting": {"BACKEND": backend}}
    settings.RATELIMIT_USE_CACHE = "counting"
    assert ids(shared_store_check(None)) == expected


def test_deploy_check_wants_login_failures_counted_and_shared(settings):
    settings.CACHES = {
        **settings.CACHES,
        "counting": {"BACKEND": "kalanso.cache.SharedCounterCache"},
    }
    settings.RATELIMIT_USE_CACHE = "counting"
    assert ids(shared_store_check(None)) == []  # the settings' own AXES_HANDLER
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    assert ids(shared_store_check(None)) == ["kalanso.E102"]
    settings.AXES_HANDLER = "axes.handlers.dummy.AxesDummyHandler"
    assert ids(shared_store_check(None)) == ["kalanso.E103"]


def test_check_deploy_fails_without_a_shared_store():
    code, stdout, stderr = finish(
        manage(
            "check",
            "--deploy",
            settings="tests.settings_variants.production_unshared_ratelimit",
        )
    )
    assert code != 0
    assert "kalanso.E101" in stderr, stdout + stderr


COUNT = """
from django.test import RequestFactory
from kalanso.ratelimit import DAY, Policy, by_address
policy = Policy("two-workers", key=by_address, limit=1000, period=DAY, fail_open=False)
request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.9")
print(*(policy._count(request, {}, limit=1000, increment=True) for _ in range(15)))
"""


def test_two_processes_count_together(tmp_path):
    """Two production workers without Redis, counting the same key at the same
    time: together they see every count from 1 to 30 exactly once (each
    process's memory would give each 1 to 15; a read-then-write increment
    could give one number twice)."""
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    code, stdout, stderr = finish(manage("createcachetable", DATABASE_URL=database))
    assert code == 0, stdout + stderr
    workers = [
        manage("shell", "--no-imports", "-c", COUNT, DATABASE_URL=database)
        for _ in range(2)
    ]
    counts = []
    for worker in workers:
        code, stdout, stderr = finish(worker)
        assert code == 0, stdout + stderr
        counts += [int(n) for n in stdout.splitlines()[-1].split()]
    assert sorted(counts) == list(range(1, 31))
