"""The trainers tests use the people of the trainer pool (one per role) and
the session defined in tests/conftest.py."""

from datetime import timedelta

from django.utils import timezone, translation

import pytest

from trainers import factories
from trainers.models import CascadeSession


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def held(course, own_trainer, cofacilitator):
    """A session held three days ago, with two registered people."""
    session = factories.session(
        course,
        own_trainer,
        status=CascadeSession.Status.HELD,
        start=timezone.localdate() - timedelta(days=3),
        days=2,
        co_facilitators=[cofacilitator],
    )
    factories.participants(session, 2, women=1)
    return session
