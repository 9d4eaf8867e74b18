"""Calendar feeds parse back as iCalendar: the right sessions as all-day
events, cancelled ones marked, no names in the public feed, secret tokens."""

from datetime import date, timedelta

from django.urls import reverse

import pytest
from icalendar import Calendar

from trainers import factories
from trainers.models import CascadeSession, Participant, Place

pytestmark = pytest.mark.django_db

S = CascadeSession.Status
START = date.today() + timedelta(days=20)


@pytest.fixture
def sessions(course, own_trainer, other_trainer, cofacilitator):
    for user, name in (
        (own_trainer, "Moussa Keïta"),
        (other_trainer, "Oumar Sidibé"),
        (cofacilitator, "Kadiatou Cissé"),
    ):
        user.full_name = name
        user.save()
    place = Place.objects.filter(region__code="ML-7").first()
    led = factories.session(
        course,
        own_trainer,
        title="Analyse des conflits à Gao",
        start=START,
        days=3,
        venue="Maison des jeunes",
        place=place,
        co_facilitators=[cofacilitator],
    )
    Participant.objects.create(
        session=led,
        full_name="Aïssata Maïga",
        sex="f",
        source=Participant.Source.TRAINER,
    )
    cancelled = factories.session(
        course,
        own_trainer,
        title="Session annulée",
        start=START + timedelta(days=10),
        status=S.CANCELLED,
        cancel_reason="Insécurité",
    )
    draft = factories.session(
        course, own_trainer, title="Brouillon", status=S.DRAFT, is_public=False
    )
    cofacilitated = factories.session(
        course,
        other_trainer,
        title="Session à Mopti",
        region="ML-5",
        start=START + timedelta(days=30),
        days=1,
        co_facilitators=[own_trainer],
    )
    not_mine = factories.session(course, other_trainer, title="Session d'un autre")
    private = factories.session(
        course, other_trainer, title="Session discrète", is_public=False
    )
    held = factories.session(
        course,
        other_trainer,
        title="Session tenue",
        status=S.HELD,
        start=date.today() - timedelta(days=5),
    )
    long_ago = factories.session(
        course,
        own_trainer,
        title="Il y a longtemps",
        status=S.VALIDATED,
        start=date.today() - timedelta(days=800),
    )
    return {
        "led": led,
        "cancelled": cancelled,
        "draft": draft,
        "cofacilitated": cofacilitated,
        "not_mine": not_mine,
        "private": private,
        "held": held,
        "long_ago": long_ago,
    }


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def feed_url(user):
    return reverse(
        "trainers:calendar_trainer", args=[user.trainer_profile.calendar_token]
    )


def test_trainer_feed(client, sessions, own_trainer):
    response = client.get(feed_url(own_trainer))  # no login: the token is the key
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    found = events(response)
    expected = ("led", "cancelled", "draft", "cofacilitated")
    assert set(found) == {str(sessions[key].uid) for key in expected}

    led = found[str(sessions["led"].uid)]
    assert led["SUMMARY"] == "Analyse des conflits à Gao"
    assert led.decoded("DTSTART") == START  # a date: an all-day event
    assert type(led.decoded("DTSTART")) is date
    assert led.decoded("DTEND") == START + timedelta(days=3)  # the day after
    assert led["DTSTAMP"] and led["STATUS"] == "CONFIRMED"
    place = sessions["led"].place
    assert str(led["LOCATION"]).startswith("Maison des jeunes, ")
    assert place.name in str(led["LOCATION"]) and "Gao" in str(led["LOCATION"])
    # Each event links to a page the feed's holder can open (the public page
    # would answer 404 for a session that is not public).
    paths = {
        key: str(found[str(sessions[key].uid)]["URL"]).removeprefix("http://testserver")
        for key in expected
    }
    client.force_login(own_trainer)
    for key, path in paths.items():
        assert path == reverse("trainers:session_detail", args=[sessions[key].pk])
        assert client.get(path).status_code == 200, key  # the draft one too
    client.logout()
    assert (
        b"DTSTART;VALUE=DATE:" + START.strftime("%Y%m%d").encode() in response.content
    )

    assert found[str(sessions["cancelled"].uid)]["STATUS"] == "CANCELLED"
    assert found[str(sessions["draft"].uid)]["STATUS"] == "TENTATIVE"
    one_day = found[str(sessions["cofacilitated"].uid)]
    assert one_day.decoded("DTEND") - one_day.decoded("DTSTART") == timedelta(days=1)
    assert "Aïssata".encode() not in response.content

    # The co-facilitator's own feed has the session too, with the same UID.
    assert str(sessions["led"].uid) in events(
        client.get(feed_url(sessions["led"].co_facilitators.get()))
    )


def test_the_uid_is_stable_when_a_session_changes(client, sessions, own_trainer):
    session = sessions["led"]
    session.title = "Nouveau titre"
    session.save()
    event = events(client.get(feed_url(own_trainer)))[str(session.uid)]
    assert event["SUMMARY"] == "Nouveau titre"


def test_unknown_or_deactivated_token(client, own_trainer):
    url = reverse("trainers:calendar_trainer", args=["not-a-token"])
    assert client.get(url).status_code == 404
    own_trainer.is_active = False
    own_trainer.save()
    assert client.get(feed_url(own_trainer)).status_code == 404


def test_reset_token_invalidates_the_old_address(client, own_trainer, sessions):
    old = feed_url(own_trainer)
    reset = reverse("trainers:calendar_reset")
    assert client.post(reset).status_code == 302  # to the login page
    assert client.get(old).status_code == 200
    client.force_login(own_trainer)
    assert client.get(reset).status_code == 405
    response = client.post(reset)
    assert response.status_code == 302
    assert response["Location"] == reverse("trainers:profile_edit")
    own_trainer.trainer_profile.refresh_from_db()
    new = feed_url(own_trainer)
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    # The profile page shows the new absolute address.
    client.force_login(own_trainer)
    page = client.get(reverse("trainers:profile_edit")).content.decode()
    assert "http://testserver" + new in page and old not in page


def test_public_feed(client, sessions, trainee):
    for user in (None, trainee):
        if user:
            client.force_login(user)
        response = client.get(reverse("trainers:calendar_public"))
        found = events(response)
        expected = ("led", "cofacilitated", "not_mine")
        assert set(found) == {str(sessions[key].uid) for key in expected}
        for event in found.values():
            assert type(event.decoded("DTSTART")) is date
            assert event["STATUS"] == "CONFIRMED"
        body = response.content.decode("utf-8")
        for name in ("Moussa", "Oumar", "Kadiatou", "Aïssata", "Keïta", "Maïga"):
            assert name not in body
        for user_email in ("lead@", "other@", "cofac@"):
            assert user_email not in body


def test_feed_links_on_the_pages(client, own_trainer):
    client.force_login(own_trainer)
    directory = client.get(reverse("trainers:directory")).content.decode()
    assert reverse("trainers:calendar_public") in directory
    edit = client.get(reverse("trainers:profile_edit")).content.decode()
    assert "http://testserver" + feed_url(own_trainer) in edit
