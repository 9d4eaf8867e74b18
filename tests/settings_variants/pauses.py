"""The pause points of tests/settings_variants/worker_pauses.py."""

import os
import time
from pathlib import Path

from django.apps import AppConfig
from django.db import transaction

CERTIFICATE_TASK = "certificates.tasks.issue_course_credentials_after_attempt"


def pause(point: str) -> None:
    """Say "arrived at ``point``" (a file named after it and this process),
    then wait until the test writes ``go`` (at most two minutes)."""
    directory = Path(os.environ["KALANSO_TEST_PAUSE_DIR"])
    (directory / f"{point}-{os.getpid()}").touch()
    deadline = time.monotonic() + 120
    while not (directory / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)


class PausesConfig(AppConfig):
    name = "tests.settings_variants"
    label = "test_pauses"

    def ready(self):
        from django.db.models.signals import post_save

        from django_tasks.signals import task_started

        from certificates.models import Credential

        point = os.environ.get("KALANSO_TEST_PAUSE_AT")
        if point == "started":

            def started(sender, task_result, **kwargs):
                if task_result.task.module_path.startswith("certificates.tasks."):
                    pause("started")

            task_started.connect(started, weak=False)
        elif point == "issued":

            def issued(sender, instance, created, **kwargs):
                if created:
                    transaction.on_commit(lambda: pause("issued"))

            post_save.connect(issued, sender=Credential, weak=False)
