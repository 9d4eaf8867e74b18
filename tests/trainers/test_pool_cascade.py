"""The cascade pages: reach per generation, the tree of trainers as nested
lists, no participant names, and a constant number of queries."""

import re
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from trainers import factories
from trainers.models import CascadeSession, TrainerProfile

pytestmark = pytest.mark.django_db

S = CascadeSession.Status


class TreeParser(HTMLParser):
    """Records how deep in nested <ul> each trainer's name is (after the
    heading with id "tree"), and checks that lists and items are balanced."""

    def __init__(self):
        super().__init__()
        self.stack, self.depth_of, self.links = [], {}, {}
        self.in_tree, self.name_tag, self.current = False, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self.in_tree = attrs.get("id") == "tree"
        if tag == "footer":
            self.in_tree = False
        if not self.in_tree:
            return
        if tag in ("ul", "li"):
            self.stack.append(tag)
        elif tag == "a" or (tag == "span" and "class" not in attrs):
            self.current = attrs.get("href")  # None for a name without link
            self.name_tag = True
            return
        self.name_tag = False

    def handle_endtag(self, tag):
        self.name_tag = False
        if self.in_tree and tag in ("ul", "li"):
            assert self.stack.pop() == tag

    def handle_data(self, data):
        if self.in_tree and self.name_tag and data.strip():
            self.depth_of[data.strip()] = self.stack.count("ul")
            self.links[data.strip()] = self.current


def parse(html):
    parser = TreeParser()
    parser.feed(html)
    assert parser.stack == []
    return parser


@pytest.fixture
def cascade(course, master, own_trainer, cofacilitator, other_trainer):
    """master (gen 1) → own_trainer (gen 2) → cofacilitator and hidden (gen 3)."""
    for user, name in (
        (master, "Ama Master"),
        (own_trainer, "Bakary Lead"),
        (cofacilitator, "Cheick Cofac"),
        (other_trainer, "Oumou Other"),
    ):
        user.full_name = name
        user.save()
    s1 = factories.session(course, master, status=S.HELD, region="ML-1")
    factories.participants(s1, 4, women=2)
    TrainerProfile.objects.filter(user=own_trainer).update(trained_in=s1)
    s2 = factories.session(course, own_trainer, status=S.VALIDATED, region="ML-5")
    factories.participants(s2, 3, women=3)
    TrainerProfile.objects.filter(user=cofacilitator).update(trained_in=s2)
    hidden = factories.trainer(
        "hidden@example.org", trained_in=s2, full_name="Dalla Hidden"
    )
    TrainerProfile.objects.filter(user=hidden).update(visibility="programme")
    s3 = factories.session(course, hidden, status=S.HELD, region="ML-7")
    factories.participants(s3, 5, women=1)
    return {"hidden": hidden, "s2": s2}


def url_for(user):
    return reverse("trainers:cascade_trainer", args=[user.trainer_profile.pk])


def test_branch_below_a_trainer(client, cascade, own_trainer, cofacilitator):
    client.force_login(own_trainer)
    response = client.get(url_for(own_trainer))
    assert response.status_code == 200
    data = response.context["cascade"]
    rows = [
        (g.generation, g.trainers, g.sessions, g.participants, g.women_share)
        for g in data.generations
    ]
    assert rows == [(2, 1, 1, 3, 100), (3, 2, 1, 5, 20)]
    assert (data.direct, data.indirect, data.total) == (3, 5, 8)
    html = response.content.decode()
    assert "Mopti" in html and "Gao" in html and "Kayes" not in html
    assert not re.search(r"Participant \d", html)  # no participant names
    tree = parse(html)
    assert tree.depth_of == {"Bakary Lead": 1, "Cheick Cofac": 2, "Dalla Hidden": 2}
    assert tree.links["Cheick Cofac"] == reverse(
        "trainers:profile_detail", args=[cofacilitator.trainer_profile.pk]
    )
    # A certified trainer cannot open a "programme only" profile: no link.
    assert tree.links["Dalla Hidden"] is None


def test_the_whole_programme(client, cascade, manager, master, other_trainer):
    client.force_login(manager)
    response = client.get(reverse("trainers:cascade_all"))
    assert response.status_code == 200
    data = response.context["cascade"]
    assert [(g.generation, g.participants) for g in data.generations] == [
        (1, 4),
        (2, 3),
        (3, 5),
    ]
    assert (data.direct, data.indirect, data.total) == (4, 8, 12)
    tree = parse(response.content.decode())
    assert tree.depth_of == {
        "Ama Master": 1,
        "Bakary Lead": 2,
        "Cheick Cofac": 3,
        "Dalla Hidden": 3,
        "Oumou Other": 1,
    }
    # The manager may open every profile.
    assert all(tree.links.values())
    assert not re.search(r"Participant \d", response.content.decode())


def test_who_may_see_a_branch(client, cascade, master, own_trainer, other_trainer):
    hidden = cascade["hidden"]
    for viewer, status in (
        (hidden, 200),  # themself
        (own_trainer, 200),  # trained them
        (master, 200),  # two generations above
        (other_trainer, 403),  # elsewhere in the programme
    ):
        client.force_login(viewer)
        assert client.get(url_for(hidden)).status_code == status, viewer
    client.force_login(hidden)
    assert client.get(url_for(own_trainer)).status_code == 403  # below, not above
    assert client.get(reverse("trainers:cascade_all")).status_code == 403


def grow(course, parent_session, prefix, count):
    """``count`` more trainers in a chain below ``parent_session``."""
    session = parent_session
    for i in range(count):
        user = factories.trainer(f"{prefix}{i}@example.org", trained_in=session)
        session = factories.session(course, user, status=S.HELD, region="ML-3")
        factories.participants(session, 2, women=1)


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_constant_queries(client, course, cascade, manager, own_trainer):
    client.force_login(manager)
    branch, whole = url_for(own_trainer), reverse("trainers:cascade_all")
    client.get(whole)
    small = queries(client, branch), queries(client, whole)
    grow(course, cascade["s2"], "deep", 8)
    grow(course, cascade["s2"], "wide", 3)
    assert (queries(client, branch), queries(client, whole)) == small
    response = client.get(branch)
    assert len(response.context["cascade"].tree) == 3 + 11
