"""The signing key: from the settings, generated only in development, and a
deployment without one fails `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

import pytest

from certificates import keys
from certificates.checks import signing_key_check
from tests.processes import manage


def deploy_check(**env):
    return manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        without=("KALANSO_SIGNING_KEY", "KALANSO_SIGNING_KEY_FILE"),
        BASE_URL="https://kalanso.example.org",
        **env,
    )


def test_production_without_a_key_fails_the_deploy_check():
    result = deploy_check()
    assert result.returncode != 0
    assert "certificates.E001" in result.stdout + result.stderr


def test_production_with_a_key_file_passes(tmp_path):
    path = tmp_path / "signing.pem"
    path.write_text(keys.generate_pem())
    result = deploy_check(KALANSO_SIGNING_KEY_FILE=str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_function(settings):
    settings.KALANSO_SIGNING_KEY_AUTOGENERATE = False
    settings.KALANSO_SIGNING_KEY = ""
    settings.KALANSO_SIGNING_KEY_FILE = ""
    assert [e.id for e in signing_key_check(None)] == ["certificates.E001"]
    settings.KALANSO_SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\nnot a key\n"
    assert [e.id for e in signing_key_check(None)] == ["certificates.E002"]
    settings.KALANSO_SIGNING_KEY = ""
    settings.KALANSO_SIGNING_KEY_FILE = "/nonexistent/signing.pem"
    assert [e.id for e in signing_key_check(None)] == ["certificates.E002"]
    settings.KALANSO_SIGNING_KEY_FILE = ""
    settings.KALANSO_SIGNING_KEY = keys.generate_pem().replace("\n", "\\n")
    assert signing_key_check(None) == []  # one-line form, as in an .env file


def test_only_ed25519_keys(settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    settings.KALANSO_SIGNING_KEY = other.decode()
    with pytest.raises(ImproperlyConfigured, match="Ed25519"):
        keys.private_key()


def test_no_key_no_signing_but_pages_still_answer(settings, client, db):
    settings.KALANSO_SIGNING_KEY_AUTOGENERATE = False
    settings.KALANSO_SIGNING_KEY = ""
    settings.KALANSO_SIGNING_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured):
        keys.private_key()
    assert client.get("/credentials/jwks.json").status_code == 503
    assert client.get("/fr/certificates/").status_code == 200


def test_development_key_is_generated_once(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.KALANSO_SIGNING_KEY = ""
    settings.KALANSO_SIGNING_KEY_FILE = ""
    first = keys.thumbprint()
    assert (tmp_path / "var" / "signing-key.pem").exists()
    assert (tmp_path / "var" / ".gitignore").read_text() == "*\n"
    assert oct((tmp_path / "var" / "signing-key.pem").stat().st_mode)[-3:] == "600"
    assert keys.thumbprint() == first


def test_configured_key_is_used(settings, db):  # the key id names the Site's address
    pem = keys.generate_pem()
    settings.KALANSO_SIGNING_KEY = pem
    token = keys.sign({"hello": "world"})
    assert keys.verify(token, keys.jwks()) == {"hello": "world"}
    assert keys.jwks()["keys"][0]["x"] == keys._raw_public(
        keys.load_private_key(pem).public_key()
    )
