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


def test_validated_bamako_session_has_its_certificates(client):
    """The seeded, validated training of trainers in Bamako shows what the
    product does: every participant present holds a certificate of
    attendance, issued without the task worker (seed_demo_cascade alone)."""
    from django.urls import reverse
    from django.utils import translation

    from certificates.models import Credential

    seed()
    tot = CascadeSession.objects.get(title="Formation de formateurs — Bamako")
    assert tot.status == CascadeSession.Status.VALIDATED
    issued = Credential.objects.filter(session=tot, kind=Credential.Kind.ATTENDANCE)
    assert issued.count() == tot.participants.count() == 3
    client.force_login(tot.lead_trainer)
    with translation.override("en"):
        html = client.get(reverse("certificates:sessions")).content.decode()
    row = html.split(tot.title, 1)[1].split("</tr>", 1)[0]
    assert ">3<" in row.replace(" ", "")
    trainer = Participant.objects.get(session=tot, user__isnull=False).user
    client.force_login(trainer)
    html = client.get(reverse("courses:my_learning")).content.decode()
    mine = issued.get(participant__user=trainer)
    assert reverse("certificates:pdf", args=[mine.pk]) in html
    # Seeding again issues nothing twice.
    seed()
    assert issued.count() == 3
