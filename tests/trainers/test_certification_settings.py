"""Programme managers set the certification rules in the admin; the rules apply."""

from django.urls import reverse

import pytest

from courses.factories import user_with_role
from trainers import certification
from trainers.models import CertificationSettings

pytestmark = pytest.mark.django_db


def settings_url():
    rules = CertificationSettings.load()
    return reverse(
        "wagtailsettings:edit", args=["trainers", "certificationsettings", rules.pk]
    )


def test_manager_changes_the_rules(client, manager):
    client.force_login(manager)
    assert client.get(settings_url()).status_code == 200
    response = client.post(
        settings_url(),
        {
            "certification_exam": "",
            "required_cofacilitations": "3",
            "validity_months": "36",
        },
    )
    assert response.status_code == 302
    rules = certification.rules()
    assert (rules.required_cofacilitations, rules.validity_months) == (3, 36)


def test_bad_values_are_refused(client, manager):
    client.force_login(manager)
    response = client.post(
        settings_url(),
        {
            "certification_exam": "",
            "required_cofacilitations": "-1",
            "validity_months": "0",
        },
    )
    assert response.status_code == 200
    assert CertificationSettings.load().validity_months == 24


@pytest.mark.parametrize("role", ["Editor", "Moderator"])
def test_editors_cannot_change_the_rules(client, role):
    client.force_login(user_with_role(f"{role.lower()}@example.org", role))
    response = client.get(settings_url())
    assert response.status_code in (302, 403)
