"""People and a session for the trainers tests: one of each role."""

import pytest

from courses.factories import user_with_role
from trainers import factories
from trainers.models import TrainerProfile

Level = TrainerProfile.Level


@pytest.fixture
def master(db):
    return factories.trainer("master@example.org", Level.MASTER)


@pytest.fixture
def own_trainer(db):
    """The lead trainer of ``cascade_session``."""
    return factories.trainer("lead@example.org", Level.CERTIFIED)


@pytest.fixture
def other_trainer(db):
    return factories.trainer("other@example.org", Level.CERTIFIED)


@pytest.fixture
def cofacilitator(db):
    return factories.trainer("cofac@example.org", Level.CO_FACILITATOR)


@pytest.fixture
def manager(db):
    return user_with_role("manager@example.org", "Programme manager")


@pytest.fixture
def cascade_session(course, own_trainer, cofacilitator):
    return factories.session(course, own_trainer, co_facilitators=[cofacilitator])
