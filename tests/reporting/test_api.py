"""The JSON API: bearer tokens (none / bad / revoked → 401, not a manager →
403, good → 200), suppressed figures, and an OpenAPI description whose
every path answers."""

import json

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.models import APIToken

import jsonschema
import pytest

from courses.factories import user_with_role
from kalanso.accounts.models import AuditEntry
from reporting import report
from reporting.suppression import SMALL

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(manager):
    return APIToken.create_token(user=manager, name="donor")[1]


def get(client, url, token=None, **extra):
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(url, **extra)


def test_no_token_bad_token_revoked_token(client, manager, token):
    url = reverse("reporting_api:report")
    response = get(client, url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert get(client, url, "wagtail_notatoken").status_code == 401
    other = APIToken.generate_token()  # well formed, never issued
    assert get(client, url, other).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Basic {token}").status_code == 401
    assert get(client, url, token).status_code == 200
    APIToken.objects.get(user=manager).revoke()
    assert get(client, url, token).status_code == 401


def test_session_login_is_not_enough(client, manager):
    client.force_login(manager)
    assert client.get(reverse("reporting_api:report")).status_code == 401


def test_token_of_someone_who_is_not_a_manager(client):
    trainee = user_with_role("t@example.org", "Trainee")
    plaintext = APIToken.create_token(user=trainee, name="x")[1]
    assert get(client, reverse("reporting_api:report"), plaintext).status_code == 403
    trainee.is_active = False
    trainee.save()
    assert get(client, reverse("reporting_api:report"), plaintext).status_code == 401


def test_figures_are_suppressed(client, token, programme):
    response = get(client, reverse("reporting_api:table", args=["regions"]), token)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    rows = {row["key"]: row["values"] for row in body["table"]["rows"]}
    assert rows["ML-5"] == {"online": 0, "cascade": SMALL, "all": SMALL}
    assert rows["total"]["all"] == 12
    assert body["suppression"]["threshold"] == 5
    everything = get(client, reverse("reporting_api:report"), token).json()
    assert [t["slug"] for t in everything["tables"]] == report.TABLE_ORDER
    for table in everything["tables"]:
        for row in table["rows"]:
            for key, value in row["values"].items():
                if isinstance(value, int) and key != "share":
                    assert not 1 <= value <= 4, (table["slug"], row["key"], key)


def test_year_filter_and_bad_parameters(client, token, programme):
    url = reverse("reporting_api:table", args=["summary"])
    body = get(client, url + "?year=2025", token).json()
    values = {row["key"]: row["values"]["value"] for row in body["table"]["rows"]}
    assert values["all"] == 12 and body["filters"]["from"] == "2025-01-01"
    empty = get(client, url + "?year=2024", token).json()
    assert {r["key"]: r["values"]["value"] for r in empty["table"]["rows"]}["all"] == 0
    assert get(client, url + "?year=abc", token).status_code == 400


def test_openapi_is_valid_json_and_every_path_answers(client, token, programme):
    response = client.get(reverse("reporting_api:openapi"))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert len(document["paths"]) == len(report.TABLE_ORDER) + 2

    def resolve(ref):
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        assert resolve(ref) is not None
    for path, item in document["paths"].items():
        operation = item["get"]
        assert "200" in operation["responses"]
        public = operation.get("security") == []
        response = get(client, path, None if public else token)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/json"
        if not public:
            assert get(client, path).status_code == 401, path


def test_manager_creates_and_revokes_tokens(client, manager):
    client.force_login(manager)
    response = client.post(reverse("reporting:tokens"), {"name": "Donor tool"})
    assert response.status_code == 200
    token = APIToken.objects.get(user=manager)
    plaintext = response.context["plaintext"]
    assert plaintext.startswith(token.prefix) and token.key_hash != plaintext
    assert plaintext not in client.get(reverse("reporting:tokens")).content.decode()
    client.logout()
    assert get(client, reverse("reporting_api:report"), plaintext).status_code == 200
    client.force_login(manager)
    client.post(reverse("reporting:token_revoke", args=[token.pk]))
    client.logout()
    assert get(client, reverse("reporting_api:report"), plaintext).status_code == 401
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"reporting.api_token_create", "reporting.api_token_revoke"} <= actions


def test_rate_limit(client, token, monkeypatch):
    import dataclasses

    from kalanso import ratelimit

    monkeypatch.setattr(ratelimit, "API", dataclasses.replace(ratelimit.API, limit=2))
    url = reverse("reporting_api:table", args=["sessions"])
    assert [get(client, url, token).status_code for _ in range(3)] == [200, 200, 429]


def _error_validator(client):
    """Validates a body against the ``Error`` schema the API itself serves."""
    document = client.get(reverse("reporting_api:openapi")).json()
    schema = {
        "$ref": "#/components/schemas/Error",
        "components": document["components"],
    }
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tables/nope",
        "/api/v1/nope/",
        "/api/v1/",
        "/api/v1/report/extra",
    ],
)
def test_unknown_paths_answer_the_documented_json_404(client, token, path):
    response = get(client, path, token, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404, response.get("Location")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    _error_validator(client).validate(body)
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"] == "There is nothing at this address of the API."


def test_errors_are_one_json_object_in_the_negotiated_language(client, token):
    validator = _error_validator(client)
    url = reverse("reporting_api:report") + "?year=abc"
    english = get(client, url, token, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    french = get(client, url, token, HTTP_ACCEPT_LANGUAGE="fr-ML, fr;q=0.9")
    for response, language in ((english, "en"), (french, "fr")):
        assert response.status_code == 400
        assert response["Content-Language"] == language
        assert "Accept-Language" in response["Vary"]
        body = response.json()
        validator.validate(body)
        error = body["error"]
        assert error["code"] == "invalid_parameters" and error["status"] == 400
        # Not JSON inside a string: the fields are JSON themselves.
        assert isinstance(error["fields"]["year"], list)
        assert "{" not in error["message"]
    assert english.json()["error"]["message"] == "Some parameters are not valid."
    assert english.json()["error"]["fields"]["year"] == ["Enter a whole number."]
    with translation.override("fr"):
        assert french.json()["error"]["message"] == _("Some parameters are not valid.")
    assert french.json()["error"]["fields"]["year"] == ["Saisissez un nombre entier."]
    # No header, or languages the site does not have: French, the default.
    for header in ({}, {"HTTP_ACCEPT_LANGUAGE": "de, es;q=0.5"}):
        response = get(client, url, token, **header)
        assert response["Content-Language"] == "fr"
    # The language cookie of a browser session does not decide for the API.
    client.cookies["django_language"] = "fr"
    assert (
        get(client, url, token, HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    )


def test_every_error_status_has_the_documented_shape(client, token, manager):
    validator = _error_validator(client)
    url = reverse("reporting_api:report")
    no_token = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    not_get = client.post(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    plaintext = APIToken.create_token(user=user_with_role("trainee"), name="x")[1]
    forbidden = get(client, url, plaintext)
    for response, status, code in (
        (no_token, 401, "unauthorised"),
        (not_get, 405, "method_not_allowed"),
        (forbidden, 403, "forbidden"),
    ):
        assert response.status_code == status
        validator.validate(response.json())
        assert response.json()["error"]["code"] == code
    assert no_token.json()["error"]["message"].startswith("A valid API token")
    document = client.get(reverse("reporting_api:openapi")).json()
    for item in document["paths"].values():
        if item["get"].get("security") != []:
            assert {"400", "401", "403", "404", "429"} <= set(item["get"]["responses"])
