"""Test settings for a task worker that stops at a chosen point of the
certificate task and waits there, so that a test can kill it mid-task
(tests/tasks/test_database_worker.py). KALANSO_TEST_PAUSE_DIR names the
directory where the worker says it has arrived and where the test lets it go
on; KALANSO_TEST_PAUSE_AT the point: "started" (the task claimed, nothing
issued yet) or "issued" (the certificate committed, the task not yet
recorded as done)."""

from kalanso.settings.test import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.settings_variants.pauses.PausesConfig"]  # noqa: F405
