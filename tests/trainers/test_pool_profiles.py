"""A trainer's own profile, the level page (certify, change level, renew,
suspend, reinstate) and putting someone into the pool."""

from django.contrib.messages import get_messages
from django.urls import reverse

import pytest

from kalanso.accounts.models import AuditEntry, Region
from tests.trainers.test_certification import complete_path, roles, rules
from trainers import certification, factories, lineage
from trainers.models import (
    CascadeSession,
    LevelChange,
    Participant,
    SpokenLanguage,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Level = TrainerProfile.Level
Status = TrainerProfile.Status
S = CascadeSession.Status
EDIT = reverse("trainers:profile_edit")


def level_url(user):
    return reverse("trainers:profile_level", args=[user.trainer_profile.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The trainer's own profile --------------------------------------------------


@pytest.fixture
def sessions_attended(course, master, other_trainer, cofacilitator):
    """Sessions the co-facilitator took part in, and others."""

    def attended(lead, status, state=Participant.State.REGISTERED, title=""):
        session = factories.session(course, lead, status=status, title=title)
        Participant.objects.create(
            session=session,
            user=cofacilitator,
            full_name="Cofac",
            state=state,
            source=Participant.Source.SELF,
        )
        return session

    return {
        "held": attended(master, S.HELD, title="Tenue par le maître"),
        "validated": attended(other_trainer, S.VALIDATED, title="Validée"),
        "scheduled": attended(master, S.SCHEDULED, title="Pas encore tenue"),
        "waitlisted": attended(
            master, S.HELD, Participant.State.WAITLISTED, title="Liste d'attente"
        ),
        "not_there": factories.session(course, master, status=S.HELD, title="Absent"),
    }


def test_edit_own_profile(client, cofacilitator, sessions_attended):
    client.force_login(cofacilitator)
    response = client.get(EDIT)
    assert response.status_code == 200
    choices = set(response.context["form"].fields["trained_in"].queryset)
    assert choices == {sessions_attended["held"], sessions_attended["validated"]}

    bm, fr = SpokenLanguage.objects.filter(code__in=["bm", "fr"])
    gao, kidal = Region.objects.filter(code__in=["ML-7", "ML-8"])
    response = client.post(
        EDIT,
        {
            "languages": [bm.pk, fr.pk],
            "regions": [gao.pk, kidal.pk],
            "bio": "Animatrice à Gao <b>depuis 2015</b>.",
            "visibility": "programme",
            "show_email": "on",
            "trained_in": sessions_attended["held"].pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == EDIT
    profile = TrainerProfile.objects.get(user=cofacilitator)
    assert set(profile.languages.all()) == {bm, fr}
    assert set(profile.regions.all()) == {gao, kidal}
    assert (profile.visibility, profile.show_email) == ("programme", True)
    assert profile.trained_in == sessions_attended["held"]
    # Plain text: shown escaped on the profile page.
    html = client.get(
        reverse("trainers:profile_detail", args=[profile.pk])
    ).content.decode()
    assert "&lt;b&gt;depuis 2015&lt;/b&gt;" in html and "<b>depuis" not in html

    # A session the person did not attend (as registered) is refused.
    for key in ("scheduled", "waitlisted", "not_there"):
        response = client.post(
            EDIT, {"visibility": "staff", "trained_in": sessions_attended[key].pk}
        )
        assert (
            response.status_code == 200
            and "trained_in" in response.context["form"].errors
        )
    profile.refresh_from_db()
    assert profile.trained_in == sessions_attended["held"]
    # None: back to generation 1.
    client.post(EDIT, {"visibility": "staff", "trained_in": ""})
    profile.refresh_from_db()
    assert profile.trained_in is None and profile.visibility == "staff"


def test_a_cycle_is_a_form_error(client, course, master, own_trainer):
    """master → own_trainer (trained by the master); then the master says
    they were trained in own_trainer's session: refused, nothing saved."""
    masters_session = factories.session(course, master, status=S.HELD)
    lineage.set_trained_in(own_trainer.trainer_profile, masters_session)
    own_session = factories.session(course, own_trainer, status=S.HELD)
    Participant.objects.create(
        session=own_session, user=master, full_name="M", source=Participant.Source.SELF
    )
    client.force_login(master)
    response = client.post(
        EDIT,
        {"visibility": "staff", "bio": "Nouvelle bio", "trained_in": own_session.pk},
    )
    assert response.status_code == 200
    assert "trained_in" in response.context["form"].errors
    profile = TrainerProfile.objects.get(user=master)
    assert profile.trained_in is None
    assert profile.bio == ""  # the whole form was rolled back


# Level changes --------------------------------------------------------------


@pytest.fixture
def candidate(db):
    return factories.trainer("candidate@example.org", Level.CO_FACILITATOR)


def test_certify_only_once_the_path_is_complete(client, master, own_trainer, candidate):
    rules(needed=1, months=24)
    client.force_login(master)
    response = client.get(level_url(candidate))
    html = response.content.decode()
    assert response.context["missing"]
    assert "disabled" in html and 'aria-describedby="certify-missing"' in html

    history = LevelChange.objects.count()
    response = client.post(
        level_url(candidate), {"action": "certify", "certify-reason": "Allons-y"}
    )
    assert response.status_code == 200
    assert response.context["forms"]["certify"].non_field_errors()
    assert TrainerProfile.objects.get(user=candidate).level == Level.CO_FACILITATOR
    assert LevelChange.objects.count() == history

    complete_path(candidate, own_trainer, master, needed=1)
    response = client.get(level_url(candidate))
    assert not response.context["missing"]
    assert "disabled" not in response.content.decode()
    response = client.post(
        level_url(candidate),
        {"action": "certify", "certify-reason": "Parcours complet"},
    )
    profile = TrainerProfile.objects.get(user=candidate)
    assert response.status_code == 302
    assert response["Location"] == reverse("trainers:profile_detail", args=[profile.pk])
    assert profile.level == Level.CERTIFIED and profile.certified_until
    assert roles(candidate) == {certification.TRAINER_GROUP}
    change = profile.history.first()
    assert (change.action, change.changed_by, change.reason) == (
        "certified",
        master,
        "Parcours complet",
    )
    assert AuditEntry.objects.filter(
        action="trainer_certified", actor=master, target_id=str(profile.pk)
    ).exists()
    # The history is on the profile page, with who and why.
    html = client.get(response["Location"]).content.decode()
    assert "Parcours complet" in html and str(master) in html


def test_reasons_are_required(client, master, other_trainer):
    client.force_login(master)
    before = LevelChange.objects.count(), AuditEntry.objects.count()
    for action, extra in (
        ("suspend", {}),
        ("renew", {}),
        ("change", {"change-level": Level.CO_FACILITATOR}),
    ):
        response = client.post(
            level_url(other_trainer),
            {"action": action, f"{action}-reason": "   ", **extra},
        )
        assert response.status_code == 200
        assert response.context["forms"][action].errors, action
    assert (LevelChange.objects.count(), AuditEntry.objects.count()) == before
    profile = TrainerProfile.objects.get(user=other_trainer)
    assert (profile.level, profile.status) == (Level.CERTIFIED, Status.ACTIVE)


def test_suspend_reinstate_renew_and_demote(client, master, other_trainer):
    client.force_login(master)
    url = level_url(other_trainer)

    def post(action, reason, **extra):
        data = {"action": action, f"{action}-reason": reason}
        data.update({f"{action}-{k}": v for k, v in extra.items()})
        return client.post(url, data)

    assert post("suspend", "Absences répétées").status_code == 302
    profile = TrainerProfile.objects.get(user=other_trainer)
    assert (profile.status, profile.status_reason) == (
        Status.SUSPENDED,
        "Absences répétées",
    )
    assert roles(other_trainer) == set()
    # While suspended: no renewal (a service error shown in the form).
    response = post("renew", "Non")
    assert response.status_code == 200
    assert response.context["forms"]["renew"].non_field_errors()
    assert response.context["show"]["renew"]  # the form with its error is shown
    error = response.context["forms"]["renew"].non_field_errors()[0]
    assert error in texts(response)

    assert post("reinstate", "Situation réglée").status_code == 302
    assert roles(other_trainer) == {certification.TRAINER_GROUP}
    assert post("renew", "Recyclage").status_code == 302
    assert post("change", "Pause", level=Level.CO_FACILITATOR).status_code == 302
    profile.refresh_from_db()
    assert profile.level == Level.CO_FACILITATOR and profile.certified_until is None
    assert roles(other_trainer) == set()
    actions = list(profile.history.values_list("action", "reason", "changed_by"))
    assert actions[:5] == [
        ("demoted", "Pause", master.pk),
        ("renewed", "Recyclage", master.pk),
        ("reinstated", "Situation réglée", master.pk),
        ("suspended", "Absences répétées", master.pk),
        ("promoted", "test", None),
    ]
    assert (
        AuditEntry.objects.filter(actor=master, target_id=str(profile.pk)).count() == 4
    )


def test_only_managers_make_or_unmake_masters(client, master, manager, other_trainer):
    other_master = factories.trainer("master2@example.org", Level.MASTER)
    client.force_login(master)
    # The master option is not offered to a master trainer, and refused.
    response = client.get(level_url(other_trainer))
    choices = dict(response.context["forms"]["change"].fields["level"].choices)
    assert Level.MASTER not in choices
    response = client.post(
        level_url(other_trainer),
        {"action": "change", "change-level": Level.MASTER, "change-reason": "Bon"},
    )
    assert response.status_code == 200
    assert TrainerProfile.objects.get(user=other_trainer).level == Level.CERTIFIED
    # Another master's page: read only; changes refused.
    response = client.get(level_url(other_master))
    assert response.status_code == 200 and response.context["locked"]
    response = client.post(
        level_url(other_master),
        {"action": "change", "change-level": Level.CERTIFIED, "change-reason": "Non"},
    )
    assert response.status_code == 403
    response = client.post(
        level_url(other_master), {"action": "suspend", "suspend-reason": "Non"}
    )
    assert response.status_code == 403
    assert TrainerProfile.objects.get(user=other_master).status == Status.ACTIVE

    client.force_login(manager)
    response = client.post(
        level_url(other_trainer),
        {"action": "change", "change-level": Level.MASTER, "change-reason": "Promu"},
    )
    assert response.status_code == 302
    assert TrainerProfile.objects.get(user=other_trainer).level == Level.MASTER
    assert roles(other_trainer) == {
        certification.TRAINER_GROUP,
        certification.MASTER_GROUP,
    }
    response = client.post(
        level_url(other_master),
        {"action": "change", "change-level": Level.CERTIFIED, "change-reason": "Rétro"},
    )
    assert response.status_code == 302
    assert roles(other_master) == {certification.TRAINER_GROUP}


def test_not_on_ones_own_profile(client, master):
    client.force_login(master)
    assert client.get(level_url(master)).status_code == 403
    response = client.post(
        level_url(master), {"action": "suspend", "suspend-reason": "Moi"}
    )
    assert response.status_code == 403
    assert TrainerProfile.objects.get(user=master).status == Status.ACTIVE


def test_unknown_action(client, master, other_trainer):
    client.force_login(master)
    response = client.post(level_url(other_trainer), {"action": "delete"})
    assert response.status_code == 302
    assert TrainerProfile.objects.get(user=other_trainer).level == Level.CERTIFIED


# Adding someone to the pool -------------------------------------------------


def test_add_to_the_pool(client, master, trainee, other_trainer):
    client.force_login(master)
    url = reverse("trainers:profile_add")
    response = client.post(url, {"email": "nobody@example.org", "reason": "X"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    response = client.post(url, {"email": "TRAINEE@example.org", "reason": ""})
    assert "reason" in response.context["form"].errors
    assert not TrainerProfile.objects.filter(user=trainee).exists()

    response = client.post(
        url, {"email": "TRAINEE@example.org", "reason": "Sélectionnée à Mopti"}
    )
    profile = TrainerProfile.objects.get(user=trainee)
    assert response.status_code == 302
    assert response["Location"] == reverse("trainers:profile_detail", args=[profile.pk])
    assert profile.level == Level.CANDIDATE
    assert list(profile.history.values_list("action", "changed_by", "reason")) == [
        ("created", master.pk, "Sélectionnée à Mopti")
    ]
    assert AuditEntry.objects.filter(
        action="trainer_created", actor=master, target_id=str(profile.pk)
    ).exists()

    # Already in the pool: a message, the existing profile, nothing new.
    response = client.post(url, {"email": other_trainer.email, "reason": "Encore"})
    existing = other_trainer.trainer_profile
    assert response["Location"] == reverse(
        "trainers:profile_detail", args=[existing.pk]
    )
    assert texts(response)
    assert existing.history.count() == 2
