"""The issuer's Ed25519 signing key and its public form (JWK).

Where the key comes from, first found wins:

1. ``settings.KALANSO_SIGNING_KEY``: the private key as PEM text (PKCS#8),
   from the environment variable of the same name (``\\n`` escapes accepted,
   for one-line variables);
2. ``settings.KALANSO_SIGNING_KEY_FILE``: a path to that PEM file;
3. only when ``settings.KALANSO_SIGNING_KEY_AUTOGENERATE`` is on (development
   and tests; production turns it off): a key generated once into
   ``BASE_DIR/var/signing-key.pem`` (the folder ignores itself in git).

Production without a key fails ``manage.py check --deploy`` (``checks.py``).

The key id (``kid``) is a URL on this site that answers with the public key
as a JWK, so a verifier can fetch it from the token's header; the same key is
listed in the JWK Set at ``/credentials/jwks.json``. Its last part is the
RFC 7638 thumbprint, so a new key gets a new id and old tokens keep naming
the key that signed them.
"""

import base64
import functools
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ALGORITHM = "EdDSA"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _dev_key_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "signing-key.pem"


def _generate_dev_key(path: Path) -> str:
    """Write a new key to ``path`` unless another process just did; return
    the key in the file either way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(generate_pem())
        try:
            os.link(temporary, path)  # fails if another process won the race
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text(encoding="ascii")


def configured_pem() -> str:
    """The PEM text from the settings, or "" if none is configured."""
    pem = (getattr(settings, "KALANSO_SIGNING_KEY", "") or "").strip()
    if pem:
        return pem.replace("\\n", "\n")
    path = (getattr(settings, "KALANSO_SIGNING_KEY_FILE", "") or "").strip()
    if path:
        try:
            return Path(path).read_text(encoding="ascii")
        except OSError as error:
            raise ImproperlyConfigured(
                f"KALANSO_SIGNING_KEY_FILE cannot be read: {error}"
            ) from error
    return ""


def load_private_key(pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ImproperlyConfigured(
            "The credential signing key is not a readable PEM private key."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The credential signing key must be Ed25519.")
    return key


@functools.lru_cache(maxsize=4)
def _key_from_pem(pem: str) -> Ed25519PrivateKey:
    return load_private_key(pem)


def private_key() -> Ed25519PrivateKey:
    pem = configured_pem()
    if not pem:
        if not getattr(settings, "KALANSO_SIGNING_KEY_AUTOGENERATE", False):
            raise ImproperlyConfigured(
                "No credential signing key: set KALANSO_SIGNING_KEY or "
                "KALANSO_SIGNING_KEY_FILE."
            )
        pem = _generate_dev_key(_dev_key_path())
    return _key_from_pem(pem)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def _raw_public(key: Ed25519PublicKey) -> str:
    return _b64url(
        key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def thumbprint(key: Ed25519PublicKey | None = None) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of the public key."""
    key = key or public_key()
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": _raw_public(key)},
        separators=(",", ":"),
        sort_keys=True,
    )
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def key_id(key: Ed25519PublicKey | None = None) -> str:
    from .models import absolute

    return absolute(reverse("certificate_key", args=[thumbprint(key)]))


def public_jwk(key: Ed25519PublicKey | None = None) -> dict:
    key = key or public_key()
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _raw_public(key),
        "kid": key_id(key),
        "alg": ALGORITHM,
        "use": "sig",
    }


def jwks() -> dict:
    return {"keys": [public_jwk()]}


def sign(payload: dict) -> str:
    """A compact JWS (JWT) of ``payload``, signed with the issuer's key."""
    key = private_key()
    return jwt.encode(
        payload,
        key,
        algorithm=ALGORITHM,
        headers={"kid": key_id(key.public_key()), "typ": "JWT"},
    )


def verify(token: str, jwk_set: dict) -> dict:
    """The payload of ``token`` if a key of ``jwk_set`` (as published) signed
    it; raises ``jwt.InvalidTokenError`` otherwise. Expiry is not checked
    here: an expired credential is still authentic."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise jwt.InvalidAlgorithmError("Only EdDSA tokens are accepted.")
    matching = [k for k in jwk_set.get("keys", []) if k.get("kid") == header.get("kid")]
    if not matching:
        raise jwt.InvalidTokenError("The token names a key that is not published.")
    key = jwt.PyJWK(matching[0], algorithm=ALGORITHM).key
    return jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        options={"verify_exp": False, "verify_aud": False},
    )
