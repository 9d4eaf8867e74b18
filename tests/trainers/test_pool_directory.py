"""The trainer directory: search, visibility, e-mail addresses, pages, and a
constant number of queries whatever the size of the pool."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from kalanso.accounts.models import Organisation, Region
from trainers import factories
from trainers.models import SpokenLanguage, TrainerProfile
from trainers.views.pool import PER_PAGE

pytestmark = pytest.mark.django_db

Level = TrainerProfile.Level
URL = reverse("trainers:directory")


def add(
    email, name, level=Level.CERTIFIED, *, regions=(), languages=(), org=None, **fields
):
    user = factories.trainer(email, level, full_name=name)
    if org:
        user.organisation = org
        user.save()
    profile = user.trainer_profile
    profile.regions.set(Region.objects.filter(code__in=regions))
    profile.languages.set(SpokenLanguage.objects.filter(code__in=languages))
    if fields:
        TrainerProfile.objects.filter(pk=profile.pk).update(**fields)
    return user


@pytest.fixture
def pool(db):
    ngo = Organisation.objects.create(name="Association Jeunesse", type="ngo")
    un = Organisation.objects.create(name="MINUSMA", type="un")
    return {
        "awa": add(
            "awa@example.org",
            "Awa Diarra",
            regions=["ML-5", "ML-6"],
            languages=["fr", "bm"],
            org=ngo,
            show_email=True,
        ),
        "ibrahim": add(
            "ibrahim@example.org",
            "Ibrahim Touré",
            Level.MASTER,
            regions=["ML-7"],
            languages=["ses", "fr"],
            org=un,
        ),
        "mariam": add(
            "mariam@example.org",
            "Mariam Coulibaly",
            Level.CO_FACILITATOR,
            regions=["ML-5"],
            languages=["ff"],
            org=ngo,
        ),
        "hidden": add(
            "hidden@example.org",
            "Hawa Discrète",
            regions=["ML-5"],
            visibility="programme",
        ),
    }


def names(response):
    assert response.status_code == 200
    return sorted(p.user.full_name for p in response.context["profiles"])


def test_search(client, pool):
    client.force_login(pool["awa"])
    assert names(client.get(URL)) == ["Awa Diarra", "Ibrahim Touré", "Mariam Coulibaly"]
    assert names(client.get(URL, {"q": "tour"})) == ["Ibrahim Touré"]
    assert names(client.get(URL, {"region": "ML-5"})) == [
        "Awa Diarra",
        "Mariam Coulibaly",
    ]
    assert names(client.get(URL, {"language": "fr"})) == ["Awa Diarra", "Ibrahim Touré"]
    ngo = Organisation.objects.get(name="Association Jeunesse")
    assert names(client.get(URL, {"organisation": ngo.pk})) == [
        "Awa Diarra",
        "Mariam Coulibaly",
    ]
    assert names(client.get(URL, {"level": Level.MASTER})) == ["Ibrahim Touré"]
    assert names(client.get(URL, {"region": "ML-5", "language": "ff"})) == [
        "Mariam Coulibaly"
    ]
    assert names(client.get(URL, {"q": "nobody"})) == []
    # Bad input: an error in the form, no result, never a 500.
    response = client.get(URL, {"region": "ZZ-9", "level": "abc"})
    assert names(response) == []
    assert response.context["form"].errors.keys() == {"region", "level"}


def test_rows_show_level_status_regions_languages_organisation(client, pool):
    client.force_login(pool["ibrahim"])
    html = client.get(URL, {"q": "awa"}).content.decode()
    for text in (
        "Awa Diarra",
        "Mopti",
        "Tombouctou",
        "Bambara",
        "Association Jeunesse",
    ):
        assert text in html
    awa = pool["awa"].trainer_profile
    assert reverse("trainers:profile_detail", args=[awa.pk]) in html


def test_programme_only_profiles(client, pool):
    client.force_login(pool["awa"])  # a certified trainer
    assert "Hawa Discrète" not in names(client.get(URL))
    client.force_login(pool["ibrahim"])  # a master trainer
    assert "Hawa Discrète" in names(client.get(URL))
    client.force_login(pool["hidden"])  # the person always sees themself
    assert "Hawa Discrète" in names(client.get(URL))


def test_email_only_when_shown(client, pool):
    client.force_login(pool["mariam"])
    # A co-facilitator has no directory right.
    assert client.get(URL).status_code == 403
    client.force_login(pool["ibrahim"])
    html = client.get(URL).content.decode()
    assert "awa@example.org" in html
    assert "mariam@example.org" not in html and "ibrahim@example.org" not in html


def test_pagination_keeps_the_search(client, pool):
    for i in range(PER_PAGE + 3):
        add(f"t{i}@example.org", f"Formateur {i:02d}", regions=["ML-1"])
    client.force_login(pool["awa"])
    first = client.get(URL, {"region": "ML-1"})
    assert len(first.context["profiles"]) == PER_PAGE
    html = first.content.decode()
    assert "region=ML-1" in html and "page=2" in html
    second = client.get(URL, {"region": "ML-1", "page": 2})
    assert len(second.context["profiles"]) == 3
    assert set(names(first)).isdisjoint(names(second))
    assert client.get(URL, {"page": "999"}).status_code == 200


def count_queries(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["profiles"])


def test_constant_number_of_queries(client, pool):
    viewer = pool["ibrahim"]
    client.force_login(viewer)
    client.get(URL)  # content types, sessions: as on any running server
    few, shown = count_queries(client, {"region": "ML-7"})
    assert shown == 1
    for i in range(15):
        add(
            f"many{i}@example.org",
            f"Formateur {i}",
            regions=["ML-7", "ML-1"],
            languages=["fr", "bm", "ses"],
            org=Organisation.objects.first(),
        )
    many, shown = count_queries(client, {"region": "ML-7"})
    assert shown == 16
    assert many == few
    assert count_queries(client)[0] == few - 1  # no region to look up
