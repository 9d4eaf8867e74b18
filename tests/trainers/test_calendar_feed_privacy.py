"""The public calendar feed and its address leave the venue out."""

import pytest
from icalendar import Calendar

from trainers import (
    calendar,
    factories,
)

from .pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_public_feed_leaves_the_venue_out(course, own_trainer):
    factories.session(
        course, own_trainer, title="Session publique", venue="Maison du maire"
    )
    public = Calendar.from_ical(calendar.public_feed())
    events = public.walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Session publique"]
    assert "Maison du maire" not in public.to_ical().decode()
    assert str(events[0]["location"])  # the region is still there
    mine = calendar.trainer_feed(own_trainer.trainer_profile).decode()
    assert "Maison du maire" in mine


def test_the_public_feed_url_leaves_the_venue_out(client, course, own_trainer):
    factories.session(course, own_trainer, venue="Maison du maire")
    response = client.get(url("calendar_public"))
    assert response.status_code == 200
    assert b"Maison du maire" not in response.content
