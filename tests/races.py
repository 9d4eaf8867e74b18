"""Real threads racing each other, one database connection each.

``race(workers)`` starts one thread per worker, holds them all at a barrier
and lets them go at once. It returns only when every thread has finished and
accounted for itself (a result or an exception): a thread still running, or
one that ended without either, fails the test instead of being forgotten.
"""

import threading
import time

from django.db import connection

import pytest

# Long enough for a loaded CI machine; a deadlocked race fails, it does not hang.
TIMEOUT = 60

_NOTHING = object()


def race(workers, *, timeout=TIMEOUT):
    """Run every callable of ``workers`` in its own thread, all released
    together. Returns ``(results, errors)``: the values returned (in the
    workers' order, those that raised left out) and the exceptions raised."""
    workers = list(workers)
    if not workers:
        pytest.fail("A race needs at least one worker")
    barrier = threading.Barrier(len(workers))
    outcomes = [_NOTHING] * len(workers)

    def run(index, worker):
        try:
            # Connected before the start: the workers' first queries meet.
            connection.ensure_connection()
            barrier.wait(timeout=timeout)
            outcomes[index] = ("result", worker())
        except BaseException as error:  # noqa: BLE001 - reported below
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    pool = [
        threading.Thread(target=run, args=(index, worker), daemon=True)
        for index, worker in enumerate(workers)
    ]
    for thread in pool:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in pool:
        thread.join(timeout=max(0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in pool)
    if stuck:
        pytest.fail(f"{stuck} of {len(pool)} threads still running after {timeout} s")
    silent = sum(outcome is _NOTHING for outcome in outcomes)
    if silent:
        pytest.fail(f"{silent} of {len(pool)} threads ended without a result")
    results = [value for kind, value in outcomes if kind == "result"]
    errors = [value for kind, value in outcomes if kind == "error"]
    return results, errors


def same(worker, threads):
    """``race`` with the same callable in ``threads`` threads."""
    return race([worker] * threads)


class Background:
    """``worker`` in its own thread and database connection, started at once,
    for a write in the middle of something else. ``finished(seconds)`` says
    whether it ended within that time (a worker blocked by a lock is left
    waiting); ``result()`` waits for it and returns what it returned, raises
    what it raised, or fails the test if it is still running."""

    def __init__(self, worker, *, timeout=TIMEOUT):
        self.timeout = timeout
        self._outcome = _NOTHING
        self._done = threading.Event()

        def run():
            try:
                self._outcome = ("result", worker())
            except BaseException as error:  # noqa: BLE001 - reported by result()
                self._outcome = ("error", error)
            finally:
                connection.close()
                self._done.set()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def finished(self, seconds) -> bool:
        return self._done.wait(seconds)

    def result(self):
        self._thread.join(self.timeout)
        if self._thread.is_alive():
            pytest.fail(f"A background thread still running after {self.timeout} s")
        if self._outcome is _NOTHING:
            pytest.fail("A background thread ended without a result")
        kind, value = self._outcome
        if kind == "error":
            raise value
        return value
