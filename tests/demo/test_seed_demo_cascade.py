"""The demo cascade: a master trainer (generation 1), a certified trainer she
trained (generation 2) with sessions in Mopti, idempotent."""

from io import StringIO

from django.core.management import call_command

import pytest

from trainers import lineage
from trainers.models import CascadeSession, Participant, TrainerProfile

pytestmark = pytest.mark.django_db


def seed():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo_cascade", "--force", stdout=out)
    return out.getvalue()


def test_demo_cascade_is_consistent_and_idempotent():
    assert "created" in seed()
    master = TrainerProfile.objects.get(user__email="maitre-formateur@kalanso.test")
    trainer = TrainerProfile.objects.get(user__email="formateur@kalanso.test")
    assert (master.level, trainer.level) == (40, 30)
    assert master.user.groups.filter(name="Master trainer").exists()
    assert trainer.user.groups.filter(name="Trainer").exists()
    assert trainer.is_active_trainer and trainer.certified_until > trainer.certified_at
    assert lineage.generations() == {master.user_id: 1, trainer.user_id: 2}
    reach = lineage.cascade(master.user)
    # The ToT in Bamako (3 people) and the trainer's held session in Mopti (8);
    # the scheduled session does not count yet.
    assert [g.participants for g in reach.generations] == [3, 8]
    assert reach.generations[1].women == 4
    counts = (CascadeSession.objects.count(), Participant.objects.count())
    assert "nothing was created" in seed()
    assert (CascadeSession.objects.count(), Participant.objects.count()) == counts


def test_demo_trainers_hold_their_certificates(django_capture_on_commit_callbacks):
    """The demo sets levels directly, and announces them as certification
    would: the certificates follow (a certified and a master trainer)."""
    from certificates.models import Credential

    with django_capture_on_commit_callbacks(execute=True):
        seed()
    levels = Credential.objects.filter(kind=Credential.Kind.TRAINER).values_list(
        "user__email", "extra__level"
    )
    assert sorted(levels) == [
        ("formateur@kalanso.test", 30),
        ("maitre-formateur@kalanso.test", 40),
    ]
