"""The session report (sanitised narrative), its review by a master trainer
who did not run the session, and observations of co-facilitators."""

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone, translation

import pytest

from tests.corpora import xss_payloads
from tests.markup import unsafe_markup
from trainers import certification, factories
from trainers.models import (
    Attendance,
    CascadeSession,
    Feedback,
    Observation,
    Participant,
    ReportReview,
    TrainerProfile,
)

pytestmark = pytest.mark.django_db

Status = CascadeSession.Status


def url(name, *args):
    return reverse(f"trainers:{name}", args=args)


def last_message(response):
    return list(response.context["messages"])[-1]


def foreign_scripts(html):
    """The page's <script> elements other than the site's own offline
    loader (an external file of ours, no inline code)."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
        if not re.fullmatch(
            r'<script id="offline-loader" src="/static/[^"]+" defer [^<>]*>', tag
        )
    ]


def rendered_report(html):
    return html.split('<div class="prose note-text">', 1)[1].split("</div>", 1)[0]


def held(course, lead, **fields):
    return factories.session(
        course,
        lead,
        status=Status.HELD,
        start=timezone.localdate() - timedelta(days=5),
        **fields,
    )


# --- the narrative ---------------------------------------------------------------


def test_report_is_saved_sanitised_and_submitted(client, own_trainer, held_session):
    client.force_login(own_trainer)
    report = url("session_report", held_session.pk)
    response = client.post(
        report,
        {
            "action": "save",
            "narrative": '<p>Bonne <strong>participation</strong></p><img src=x onerror="alert(1)">',
        },
    )
    assert response.status_code == 302
    held_session.refresh_from_db()
    assert held_session.report == "<p>Bonne <strong>participation</strong></p>"
    assert held_session.status == Status.HELD
    page = client.get(report).content.decode()
    assert "<strong>participation</strong>" in rendered_report(page)
    response = client.post(report, {"action": "submit", "narrative": "<p>Final</p>"})
    assert response.url == url("session_detail", held_session.pk)
    held_session.refresh_from_db()
    assert held_session.status == Status.REPORTED
    assert held_session.report == "<p>Final</p>"
    assert held_session.report_submitted_at is not None
    # Submitted: the report can no longer be changed.
    response = client.post(report, {"action": "save", "narrative": "changé"})
    assert response.status_code == 302
    held_session.refresh_from_db()
    assert held_session.report == "<p>Final</p>"


def test_empty_report_cannot_be_submitted(client, own_trainer, held_session):
    client.force_login(own_trainer)
    response = client.post(
        url("session_report", held_session.pk),
        {"action": "submit", "narrative": "  "},
        follow=True,
    )
    assert last_message(response).level_tag == "error"
    held_session.refresh_from_db()
    assert held_session.status == Status.HELD


def test_report_page_closed_before_held(client, own_trainer, cascade_session):
    client.force_login(own_trainer)
    response = client.get(url("session_report", cascade_session.pk))
    assert response.status_code == 302
    response = client.post(
        url("session_report", cascade_session.pk),
        {"action": "save", "narrative": "trop tôt"},
    )
    cascade_session.refresh_from_db()
    assert cascade_session.report == ""


def test_xss_payloads_never_come_back_executable(
    client, own_trainer, master, held_session
):
    client.force_login(own_trainer)
    report = url("session_report", held_session.pk)
    payloads = xss_payloads()
    assert len(payloads) > 100
    for payload in payloads:
        response = client.post(
            report, {"action": "save", "narrative": f"Avant {payload} après"}
        )
        assert response.status_code == 302, payload
        held_session.refresh_from_db()
        assert not unsafe_markup(held_session.report), (payload, held_session.report)
    # The last one, and a few others, as every reader sees them.
    for payload in payloads[::50]:
        client.force_login(own_trainer)
        client.post(report, {"action": "save", "narrative": f"Avant {payload} après"})
        for user, target in (
            (own_trainer, report),
            (own_trainer, url("session_detail", held_session.pk)),
            (master, url("session_detail", held_session.pk)),
        ):
            client.force_login(user)
            html = client.get(target).content.decode()
            assert not unsafe_markup(rendered_report(html)), (payload, target)
            assert foreign_scripts(html) == [], (payload, target)


def test_report_written_elsewhere_is_sanitised_on_display(
    client, own_trainer, held_session
):
    CascadeSession.objects.filter(pk=held_session.pk).update(
        report='<p>ok</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>'
    )
    client.force_login(own_trainer)
    html = client.get(url("session_detail", held_session.pk)).content.decode()
    assert not unsafe_markup(rendered_report(html))
    assert foreign_scripts(html) == []


# --- the review -----------------------------------------------------------------------


@pytest.fixture
def reported(course, own_trainer, cofacilitator):
    return factories.session(
        course,
        own_trainer,
        status=Status.REPORTED,
        start=timezone.localdate() - timedelta(days=10),
        report="<p>Tout s'est bien passé.</p>",
        co_facilitators=[cofacilitator],
    )


def test_master_validates(client, master, reported):
    client.force_login(master)
    review = url("session_review", reported.pk)
    page = client.get(review)
    assert page.status_code == 200
    assert "Tout s'est bien passé." in page.content.decode()
    response = client.post(review, {"decision": "validated", "comment": ""})
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Status.VALIDATED
    assert reported.validated_by == master
    assert ReportReview.objects.get().decision == "validated"
    # Done: no second decision.
    response = client.post(review, {"decision": "sent_back", "comment": "Non"})
    assert response.status_code == 302
    assert ReportReview.objects.count() == 1


def test_send_back_needs_a_comment(client, master, own_trainer, reported):
    client.force_login(master)
    review = url("session_review", reported.pk)
    response = client.post(review, {"decision": "sent_back", "comment": "  "})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    reported.refresh_from_db()
    assert reported.status == Status.REPORTED
    assert not ReportReview.objects.exists()

    for bad in ({"decision": "approve"}, {}):
        response = client.post(review, bad)
        assert response.status_code == 200
        assert "decision" in response.context["form"].errors

    response = client.post(
        review, {"decision": "sent_back", "comment": "Ajoutez les scores du post-test."}
    )
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Status.HELD
    # The trainers see the comment and can change the report again.
    client.force_login(own_trainer)
    html = client.get(url("session_detail", reported.pk)).content.decode()
    assert "Ajoutez les scores du post-test." in html
    assert client.get(url("session_report", reported.pk)).status_code == 200
    response = client.post(
        url("session_report", reported.pk),
        {"action": "submit", "narrative": "<p>Avec les scores.</p>"},
    )
    reported.refresh_from_db()
    assert reported.status == Status.REPORTED


def test_master_who_led_the_session_cannot_validate_it(client, course, master):
    second_master = factories.trainer(
        "master2@example.org", TrainerProfile.Level.MASTER
    )
    own = factories.session(
        course,
        master,
        status=Status.REPORTED,
        start=timezone.localdate() - timedelta(days=3),
        report="<p>Mon rapport</p>",
        co_facilitators=[second_master],
    )
    for user in (master, second_master):
        client.force_login(user)
        assert client.get(url("session_review", own.pk)).status_code == 403
        response = client.post(url("session_review", own.pk), {"decision": "validated"})
        assert response.status_code == 403
        html = client.get(url("session_detail", own.pk)).content.decode()
        assert url("session_review", own.pk) not in html
    own.refresh_from_db()
    assert own.status == Status.REPORTED
    assert not ReportReview.objects.exists()


def test_review_shows_counts_computed_in_the_database(client, master, reported):
    people = factories.participants(reported, 4, women=3)
    factories.participants(reported, 1, state=Participant.State.WAITLISTED)
    scores = [(40, 80), (50, 70), (None, 90), (60, None)]
    for person, (pre, post) in zip(people, scores, strict=True):
        Participant.objects.filter(pk=person.pk).update(pre_score=pre, post_score=post)
    for person in people[:3]:
        for day in reported.days:
            Attendance.objects.create(participant=person, day=day, present=True)
    Attendance.objects.create(participant=people[3], day=reported.start_date)
    Feedback.objects.create(session=reported, satisfaction=4)
    Feedback.objects.create(session=reported, satisfaction=5)
    client.force_login(master)
    response = client.get(url("session_review", reported.pk))
    summary = response.context["summary"]
    assert summary["people"]["registered"] == 4
    assert summary["people"]["waiting"] == 1
    assert summary["people"]["women"] == 3 and summary["people"]["men"] == 1
    assert summary["people"]["pre_count"] == 3
    assert summary["people"]["pre_mean"] == pytest.approx(Decimal(50))
    assert summary["people"]["post_mean"] == pytest.approx(Decimal(80))
    assert summary["people"]["gain_mean"] == pytest.approx(Decimal(30))
    assert [(row["present"], row["recorded"]) for row in summary["attendance"]] == [
        (3, 4),
        (3, 3),
    ]
    assert summary["feedback"]["count"] == 2
    assert summary["feedback"]["satisfaction"] == pytest.approx(4.5)
    # No participant names on the review page.
    assert "Participant 1" not in response.content.decode()


# --- observations ------------------------------------------------------------------------


def test_master_observes_a_cofacilitator(client, master, cofacilitator, held_session):
    client.force_login(master)
    observe = url("session_observe", held_session.pk)
    response = client.post(
        observe,
        {
            "trainer": cofacilitator.pk,
            "report": "Bonne animation.",
            "satisfactory": "on",
        },
    )
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert (observation.trainer, observation.observer) == (cofacilitator, master)
    assert observation.satisfactory
    steps = {s.key: s for s in certification.checklist(cofacilitator.trainer_profile)}
    assert steps["cofacilitation"].detail.startswith("1 ")

    # Again for the same person: the observation is replaced, not duplicated.
    page = client.get(observe, {"trainer": cofacilitator.pk}).content.decode()
    assert "Bonne animation." in page
    client.post(observe, {"trainer": cofacilitator.pk, "report": "Revu."})
    observation = Observation.objects.get()
    assert observation.report == "Revu." and not observation.satisfactory
    assert certification.observed_cofacilitations(cofacilitator).count() == 0


def test_lead_observes_but_not_the_cofacilitator_or_others(
    client, own_trainer, cofacilitator, other_trainer, trainee, held_session
):
    observe = url("session_observe", held_session.pk)
    data = {"trainer": cofacilitator.pk, "report": "Bien.", "satisfactory": "on"}
    for user in (cofacilitator, other_trainer, trainee):
        client.force_login(user)
        assert client.post(observe, data).status_code == 403, user
    assert not Observation.objects.exists()
    client.force_login(own_trainer)
    assert client.post(observe, data).status_code == 302
    assert Observation.objects.get().observer == own_trainer


def test_observe_only_session_cofacilitators_once_held(
    client, master, other_trainer, cofacilitator, cascade_session, held_session
):
    client.force_login(master)
    data = {"trainer": cofacilitator.pk, "report": "Bien."}
    response = client.post(url("session_observe", cascade_session.pk), data)
    assert response.status_code == 302  # scheduled: not yet
    assert not Observation.objects.exists()
    response = client.post(
        url("session_observe", held_session.pk),
        {"trainer": other_trainer.pk, "report": "Pas là."},
    )
    assert response.status_code == 200
    assert "trainer" in response.context["form"].errors
    assert not Observation.objects.exists()


def test_master_cannot_observe_himself(client, course, master, own_trainer):
    session = held(course, own_trainer, co_facilitators=[master])
    client.force_login(master)
    response = client.post(
        url("session_observe", session.pk), {"trainer": master.pk, "report": "Moi."}
    )
    assert response.status_code == 200
    assert not Observation.objects.exists()


@pytest.mark.parametrize("name", ["session_review", "session_detail"])
def test_session_pages_list_the_working_languages(client, master, reported, name):
    """The review page said "Working languages: Not given" for a session held
    in French and Fulfulde."""
    from trainers.models import SpokenLanguage

    reported.languages.set(SpokenLanguage.objects.filter(code__in=["fr", "ff"]))
    client.force_login(master)
    with translation.override("en"):
        html = client.get(url(name, reported.pk)).content.decode()
    facts = html.split("Working languages", 1)[1].split("</dd>", 1)[0]
    assert "Not given" not in facts
    assert "Fulfulde" in facts


def test_master_trainers_list_the_reports_waiting_for_their_review(
    client, master, own_trainer, reported, course
):
    """A list in their area, with a count in the navigation; their own
    sessions' reports are left to another master trainer."""
    other_master = factories.trainer("master2@example.org", TrainerProfile.Level.MASTER)
    own_report = factories.session(
        course,
        master,
        status=Status.REPORTED,
        start=timezone.localdate() - timedelta(days=5),
        report="<p>Mon rapport</p>",
        title="Session du maître",
    )
    factories.session(course, own_trainer, status=Status.HELD, title="Pas encore")
    client.force_login(master)
    with translation.override("en"):
        response = client.get(url("review_queue"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert f'href="{url("session_review", reported.pk)}"' in html
        assert "Session du maître" not in html and "Pas encore" not in html
        assert "Reports to review: 1" in html  # the navigation
        home = client.get(url("session_list")).content.decode()
        assert "Reports to review: 1" in home
        client.post(
            url("session_review", reported.pk),
            {"decision": "validated", "comment": ""},
        )
        html = client.get(url("review_queue")).content.decode()
        assert "Reports to review: 0" in html
        assert "No report is waiting for your review." in html
        client.force_login(other_master)
        html = client.get(url("review_queue")).content.decode()
        assert f'href="{url("session_review", own_report.pk)}"' in html
        client.force_login(own_trainer)
        assert client.get(url("review_queue")).status_code == 403
        assert (
            "Reports to review" not in client.get(url("session_list")).content.decode()
        )
