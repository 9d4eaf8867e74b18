"""The race helper itself: it reports every thread, and fails rather than
forgetting one that is still running."""

import threading

import pytest

from tests.races import race

# The workers connect to the database before the start.
pytestmark = pytest.mark.django_db


def test_every_worker_is_accounted_for():
    def boom():
        raise ValueError("lost")

    results, errors = race([lambda: 1, boom, lambda: 3])
    assert results == [1, 3]
    assert [str(error) for error in errors] == ["lost"]


def test_a_thread_still_running_fails_the_test():
    release = threading.Event()
    try:
        with pytest.raises(pytest.fail.Exception, match="1 of 2 threads still running"):
            race([lambda: 1, lambda: release.wait(5)], timeout=0.2)
    finally:
        release.set()


def test_an_empty_race_fails():
    with pytest.raises(pytest.fail.Exception):
        race([])
