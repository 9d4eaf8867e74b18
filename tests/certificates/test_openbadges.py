"""Open Badges 3.0: the credential's structure (against 1EdTech's examples),
its EdDSA signature checked with the key published at its stable URL, and
the revocation status list."""

import base64
import json
from datetime import timedelta

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import jwt
import pytest

from certificates import issuance, keys, openbadges
from certificates.models import Credential
from certificates.openbadges import InvalidCredential, validate
from kalanso.http import serving
from tests import corpora

pytestmark = pytest.mark.django_db


def published_keys(client):
    response = client.get(reverse("certificate_jwks"))
    assert response.status_code == 200
    return response.json()


def public_token(client, credential):
    response = client.get(reverse("certificate_public_jwt", args=[credential.code]))
    assert response.status_code == 200
    return response.content.decode()


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# Structure ----------------------------------------------------------------------


def test_credential_has_the_structure_of_the_1edtech_example(course_credential):
    ours = openbadges.credential_document(course_credential)
    simple = corpora.open_badge("simple.json")
    validate(ours)
    validate(simple)
    assert ours["@context"] == simple["@context"]
    assert ours["type"] == simple["type"]
    required = set(simple) - {"proof", "id"}
    assert required <= set(ours)
    assert set(simple["issuer"]) <= set(ours["issuer"])
    achievement = ours["credentialSubject"]["achievement"]
    assert set(simple["credentialSubject"]["achievement"]) <= set(achievement)
    assert achievement["criteria"]["narrative"]
    assert ours["credentialSubject"]["identifier"][0]["identityHash"] == (
        course_credential.holder_name
    )
    status = ours["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusListIndex"] == str(course_credential.status_index)


def test_nothing_else_about_the_person(course_credential, trainee):
    text = json.dumps(openbadges.credential_document(course_credential))
    assert trainee.email not in text
    assert f'"id": "{trainee.pk}"' not in text


def test_reference_examples_pass_and_broken_ones_are_rejected():
    validate(corpora.open_badge("simple.json"))
    validate(corpora.open_badge("complete.json"))
    with pytest.raises(InvalidCredential, match="expired"):
        validate(corpora.open_badge("simple-err-expired.json"))
    with pytest.raises(InvalidCredential, match="issuer"):
        validate(corpora.open_badge("simple-err-issuer.json"))
    with pytest.raises(InvalidCredential, match="OpenBadgeCredential"):
        validate(corpora.open_badge("simple-err-type.json"))


def test_expired_trainer_credential_fails_validation(candidate, master, run_tasks):
    from trainers import certification
    from trainers.models import TrainerProfile

    with run_tasks():
        certification.certify(TrainerProfile.objects.get(user=candidate), by=master)
    credential = Credential.objects.get(kind=Credential.Kind.TRAINER)
    document = openbadges.credential_document(credential)
    assert document["validUntil"].startswith(credential.valid_until.isoformat())
    validate(document)
    later = timezone.now() + timedelta(days=365 * 3)
    with pytest.raises(InvalidCredential, match="expired"):
        validate(document, now=later)


# Signature ----------------------------------------------------------------------


def test_signature_verifies_with_the_published_key(course_credential, client):
    token = public_token(client, course_credential)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    # The key id is a URL on the site that answers with that key.
    assert header["kid"].startswith("http://testserver/")
    published = client.get(header["kid"].removeprefix("http://testserver"))
    assert published.status_code == 200
    assert published.json()["x"] == published_keys(client)["keys"][0]["x"]

    payload = keys.verify(token, published_keys(client))
    with serving(RequestFactory().get("/")):
        assert payload["vc"] == openbadges.credential_document(course_credential)
        assert payload["jti"] == course_credential.verification_url()
    assert payload["iss"] == payload["vc"]["issuer"]["id"]
    validate(payload["vc"])


def test_tampered_payload_or_signature_fails(course_credential, client):
    token = public_token(client, course_credential)
    jwk_set = published_keys(client)
    header, payload, signature = token.split(".")

    claims = _unb64(payload)
    claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = f"{header}.{_b64(claims)}.{signature}"
    with pytest.raises(jwt.InvalidSignatureError):
        keys.verify(forged, jwk_set)

    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(jwt.InvalidSignatureError):
        keys.verify(f"{header}.{payload}.{flipped}", jwk_set)


def test_token_signed_by_another_key_fails(course_credential, client, settings):
    real_keys = published_keys(client)
    settings.KALANSO_SIGNING_KEY = keys.generate_pem()
    other = openbadges.credential_jwt(course_credential)
    with pytest.raises(jwt.InvalidTokenError):
        keys.verify(other, real_keys)  # its key id is not published there
    impostor = jwt.encode(
        jwt.decode(other, options={"verify_signature": False}),
        keys.private_key(),
        algorithm="EdDSA",
        headers={"kid": real_keys["keys"][0]["kid"]},
    )
    with pytest.raises(jwt.InvalidSignatureError):
        keys.verify(impostor, real_keys)


def test_issuer_profile_at_a_stable_url(course_credential, client):
    response = client.get("/credentials/issuer")
    assert response.status_code == 200
    profile = response.json()
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Kalanso"
    with serving(RequestFactory().get("/")):
        document = openbadges.credential_document(course_credential)
    assert profile["id"] == document["issuer"]["id"]
    assert client.get("/credentials/jwks.json").status_code == 200
    # Unknown keys: not found (after the site's usual hop to a language prefix).
    assert client.get("/credentials/keys/not-our-key", follow=True).status_code == 404


# Revocation status list ------------------------------------------------------------


def status_bits(client):
    response = client.get("/credentials/status/1")
    assert response.status_code == 200
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    payload = keys.verify(response.content.decode(), published_keys(client))
    subject = payload["vc"]["credentialSubject"]
    assert payload["vc"]["type"] == [
        "VerifiableCredential",
        "BitstringStatusListCredential",
    ]
    assert subject["statusPurpose"] == "revocation"
    return openbadges.decode_bitstring(subject["encodedList"])


def test_revocation_flips_the_bit(
    course_credential, attendance_credential, manager, client
):
    bits = status_bits(client)
    assert len(bits) * 8 >= openbadges.STATUS_LIST_MIN_BITS
    assert not any(bits)

    issuance.credential_revoke(course_credential, by=manager, reason="Erreur")
    bits = status_bits(client)
    assert openbadges.bit_is_set(bits, course_credential.status_index)
    assert not openbadges.bit_is_set(bits, attendance_credential.status_index)
    assert sum(bin(byte).count("1") for byte in bits) == 1

    # The credential points at this list, at its own index.
    entry = openbadges.credential_document(course_credential)["credentialStatus"]
    assert entry["statusListCredential"].endswith("/credentials/status/1")


def test_bitstring_encoding_round_trip():
    encoded = openbadges.encode_bitstring([0, 7, 8, 131071], 131072)
    assert encoded.startswith("u")
    bits = openbadges.decode_bitstring(encoded)
    assert bits[0] == 0b10000001 and bits[1] == 0b10000000
    assert openbadges.bit_is_set(bits, 131071)
    assert not openbadges.bit_is_set(bits, 1)
    assert openbadges.status_list_length(131072) == 262144


def test_identifiers_use_the_address_the_reader_reached(course_credential, client):
    """Under `make run PORT=8101` the signed credential's addresses answer."""
    response = client.get(
        reverse("certificate_public_jwt", args=[course_credential.code]),
        HTTP_HOST="127.0.0.1:8101",
    )
    token = response.content.decode()
    payload = jwt.decode(token, options={"verify_signature": False})
    base = "http://127.0.0.1:8101/"
    assert payload["jti"] == base + course_credential.verification_path()[1:]
    assert payload["iss"].startswith(base)
    assert payload["vc"]["credentialStatus"]["statusListCredential"].startswith(base)
    assert jwt.get_unverified_header(token)["kid"].startswith(base)
    issuer = client.get(reverse("certificate_issuer"), HTTP_HOST="127.0.0.1:8101")
    assert issuer.json()["url"] == base


# Against 1EdTech's JSON Schema ------------------------------------------------------


@pytest.fixture(scope="module")
def schema_validator():
    import jsonschema

    schema = corpora.open_badges_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def test_the_schema_tells_good_examples_from_broken_ones(schema_validator):
    # The schema is strict enough to catch what the broken examples break.
    assert not list(schema_validator.iter_errors(corpora.open_badge("simple.json")))
    assert list(
        schema_validator.iter_errors(corpora.open_badge("simple-err-issuer.json"))
    )


def test_every_kind_of_credential_validates_against_the_ob3_schema(
    schema_validator, course_credential, attendance_credential
):
    for credential in (course_credential, attendance_credential):
        document = openbadges.credential_document(credential)
        errors = [e.message for e in schema_validator.iter_errors(document)]
        assert errors == [], credential.kind
        # And what the signed token carries.
        claims = jwt.decode(
            openbadges.credential_jwt(credential), options={"verify_signature": False}
        )
        assert not list(schema_validator.iter_errors(claims["vc"]))


def test_one_achievement_id_per_definition_hours_in_the_result(
    schema_validator, attendance_session
):
    fatoumata, oumar = (
        openbadges.credential_document(c)
        for c in Credential.objects.filter(session=attendance_session).order_by(
            "holder_name"
        )
    )
    achievements = [d["credentialSubject"]["achievement"] for d in (fatoumata, oumar)]
    # Two days and one day of the same course's sessions: one achievement, the
    # same definition under the same id…
    assert achievements[0]["id"] == achievements[1]["id"]
    assert achievements[0] == achievements[1]
    # …and each person's hours in their result, described by the achievement.
    (description,) = achievements[0]["resultDescription"]
    hours = {}
    for document in (fatoumata, oumar):
        (result,) = document["credentialSubject"]["result"]
        assert result["resultDescription"] == description["id"]
        hours[document["credentialSubject"]["identifier"][0]["identityHash"]] = result[
            "value"
        ]
        assert not list(schema_validator.iter_errors(document))
    day = issuance.SESSION_DAY_HOURS
    assert hours == {
        "Fatoumata Koné": f"{(2 * day).normalize():f}",
        "Oumar Sangaré": f"{day.normalize():f}",
    }
    assert " h)" not in json.dumps(achievements)
