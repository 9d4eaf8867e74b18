"""The profile page's sentences end with one full stop, whatever the date
format ends with ("8:05 a.m.." in English, issue #16)."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone, translation

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "fr"])
def test_consent_sentence_has_one_full_stop(client, trainee, language):
    trainee.consent_given_at = timezone.make_aware(datetime(2026, 3, 4, 8, 5))
    trainee.save()
    client.force_login(trainee)
    with translation.override(language):
        html = client.get(reverse("accounts:profile")).content.decode()
    (sentence,) = [
        line for line in html.splitlines() if "2026" in line and "<p>" in line
    ]
    assert ".." not in sentence
    assert ("a.m." in sentence) == (language == "en")
