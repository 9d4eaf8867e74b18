"""Open Badges 3.0 (W3C Verifiable Credentials) for each credential, the
issuer's profile and the revocation status list.

Format choices (see the report of issue #5):

- Each credential is an ``OpenBadgeCredential`` with the VC Data Model 2.0
  context and the OB 3.0.3 context, secured as a VC-JWT the way OB 3.0 §8.2
  describes it (the credential in the ``vc`` claim; ``iss``, ``jti``,
  ``nbf``, ``exp`` mirrored), signed with EdDSA (Ed25519). The header's
  ``kid`` is a URL that answers with the public JWK.
- The holder has no identifier of their own: the subject carries their name
  as an unhashed ``IdentityObject`` (``identityType: name``), which is what
  the paper says too. No e-mail, no account id.
- Revocation: a W3C Bitstring Status List (``BitstringStatusListEntry`` in
  each credential, purpose ``revocation``); the list itself is a
  ``BitstringStatusListCredential`` published as a VC-JWT signed with the same
  key. Indexes are drawn at random in a list of at least 131,072 bits, so the
  position of one credential tells nothing about another (herd privacy).
- Expiry is ``validUntil`` (trainer certifications only).
- An achievement's ``id`` names one achievement definition (one course's
  completion, one trainer level, attendance of one course's sessions), the same
  for every holder: what differs between holders, the hours of training, is in
  the subject's ``result`` (described by the achievement's
  ``resultDescription``), never in the achievement.
"""

import base64
import gzip
import uuid
from datetime import UTC, datetime, time

from django.urls import reverse
from django.utils import timezone

from .models import Credential, absolute

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json"
)
STATUS_LIST_MIN_BITS = 131_072  # 16 KiB, the Bitstring Status List minimum
STATUS_LIST_ID = 1
ACHIEVEMENT_NAMESPACE = uuid.UUID("6f1d5c1e-1a8e-4f5b-9a39-6b616c616e73")

ACHIEVEMENT_TYPES = {
    Credential.Kind.COURSE: "CertificateOfCompletion",
    Credential.Kind.TRAINER: "Certification",
    Credential.Kind.ATTENDANCE: "Achievement",
}
CRITERIA = {
    Credential.Kind.COURSE: (
        "Completed every lesson of the online course and passed its post-test "
        "when the course has one. / A suivi toutes les leçons du cours en ligne "
        "et réussi son post-test lorsque le cours en a un."
    ),
    Credential.Kind.TRAINER: (
        "Completed the trainer certification path (trainer-track course, "
        "certification exam, observed co-facilitations) and approved by a master "
        "trainer or a programme manager. / A terminé le parcours de certification "
        "des formateurs et a été approuvé par un maître formateur ou un "
        "responsable de programme."
    ),
    Credential.Kind.ATTENDANCE: (
        "Attended a cascade training session whose report was validated by a "
        "master trainer. / A participé à une session de formation en cascade dont "
        "le rapport a été validé par un maître formateur."
    ),
}


# Identifiers ------------------------------------------------------------------


def issuer_id() -> str:
    return absolute(reverse("certificate_issuer"))


def status_list_url(list_id: int = STATUS_LIST_ID) -> str:
    return absolute(reverse("certificate_status_list", args=[list_id]))


def achievement_id(credential: Credential) -> str:
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, credential.achievement_ref)}"


def hours_result_id(credential: Credential) -> str:
    """The id of the achievement's description of its "hours" result."""
    reference = f"{credential.achievement_ref}:hours"
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, reference)}"


HOURS_RESULT_TYPE = "ext:Hours"
HOURS_RESULT_NAME = "Hours of training / Heures de formation"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _bilingual(fr: str, en: str) -> str:
    return fr if fr == en else f"{fr} / {en}"


# Documents --------------------------------------------------------------------


def issuer_profile(programme_name: str) -> dict:
    """The issuer's OB 3.0 Profile, published at a stable URL."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": programme_name,
        "url": absolute("/"),
        "description": (
            "Training for conflict-sensitive work in Mali and the Sahel. "
            "Formation au travail sensible aux conflits au Mali et au Sahel."
        ),
        # Where verifiers find the keys that sign this issuer's credentials.
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": absolute(reverse("certificate_jwks")),
                "identifierType": "identifier",
            }
        ],
    }


def credential_document(credential: Credential) -> dict:
    """The credential as an OB 3.0 ``OpenBadgeCredential`` (unsigned)."""
    kind = Credential.Kind(credential.kind)
    name = _bilingual(credential.achievement_fr, credential.achievement_en)
    achievement = {
        "id": achievement_id(credential),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[kind],
        "name": name,
        "description": name,
        "criteria": {"narrative": CRITERIA[kind]},
    }
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": credential.holder_name,
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": achievement,
    }
    if credential.hours:
        achievement["resultDescription"] = [
            {
                "id": hours_result_id(credential),
                "type": ["ResultDescription"],
                "name": HOURS_RESULT_NAME,
                "resultType": HOURS_RESULT_TYPE,
            }
        ]
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": hours_result_id(credential),
                "value": f"{credential.hours.normalize():f}",
            }
        ]
    start, end = credential.extra.get("start"), credential.extra.get("end")
    if start and end:
        subject["activityStartDate"] = f"{start}T00:00:00Z"
        subject["activityEndDate"] = f"{end}T23:59:59Z"
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential.verification_url(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": credential.issuer_name,
        },
        "validFrom": _iso(credential.created_at),
        "awardedDate": f"{credential.issued_on.isoformat()}T00:00:00Z",
        "name": name,
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_list_url()}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": status_list_url(),
        },
        "credentialSchema": [
            {"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
        ],
    }
    if credential.valid_until:
        document["validUntil"] = _iso(_end_of_day(credential.valid_until))
    return document


def jwt_claims(document: dict) -> dict:
    """OB 3.0 §8.2.4: the credential in ``vc``, its key facts as JWT claims."""
    claims = {
        "vc": document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": int(_parse(document["validFrom"]).timestamp()),
    }
    if "validUntil" in document:
        claims["exp"] = int(_parse(document["validUntil"]).timestamp())
    subject_id = document["credentialSubject"].get("id")
    if subject_id:
        claims["sub"] = subject_id
    return claims


def credential_jwt(credential: Credential) -> str:
    from . import keys

    return keys.sign(jwt_claims(credential_document(credential)))


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# Status list --------------------------------------------------------------------


def status_list_length(highest_index: int | None) -> int:
    """The list's length in bits: a multiple of the minimum that holds every index."""
    if highest_index is None:
        return STATUS_LIST_MIN_BITS
    blocks = highest_index // STATUS_LIST_MIN_BITS + 1
    return blocks * STATUS_LIST_MIN_BITS


def encode_bitstring(revoked: list[int], length: int) -> str:
    """GZIP-compressed bitstring, base64url without padding, multibase ``u``
    prefix. Index 0 is the most significant bit of the first byte."""
    bits = bytearray(length // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("Only base64url multibase ('u') lists are understood.")
    data = encoded[1:]
    data += "=" * (-len(data) % 4)
    return gzip.decompress(base64.urlsafe_b64decode(data))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_list_document(revoked: list[int], highest_index: int | None, now=None):
    now = now or timezone.now()
    url = status_list_url()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked, status_list_length(highest_index)),
        },
    }


def status_list_jwt(revoked: list[int], highest_index: int | None) -> str:
    from . import keys

    document = status_list_document(revoked, highest_index)
    return keys.sign(
        {
            "vc": document,
            "iss": document["issuer"],
            "jti": document["id"],
            "nbf": int(_parse(document["validFrom"]).timestamp()),
        }
    )


# Structural validation -------------------------------------------------------------


class InvalidCredential(ValueError):
    pass


def _types(value) -> list:
    if isinstance(value, str):
        return [value]
    return list(value or [])


def validate(document: dict, now=None) -> dict:
    """Check the structure an Open Badges 3.0 verifier relies on; raise
    :class:`InvalidCredential` with the first problem found.

    Not a JSON-LD processor nor a JSON Schema validator: it checks the
    required members (contexts, types, issuer, validity dates, subject) and
    that the credential is not expired."""
    if not isinstance(document, dict):
        raise InvalidCredential("A credential is a JSON object.")
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        raise InvalidCredential("@context must be a list.")
    if contexts[0] not in (VC_CONTEXT, VC1_CONTEXT):
        raise InvalidCredential("The first @context must be the VC context.")
    if not any(
        isinstance(c, str) and c.startswith(OB_CONTEXT_PREFIX) for c in contexts
    ):
        raise InvalidCredential("The Open Badges 3.0 context is missing.")
    types = _types(document.get("type"))
    if "VerifiableCredential" not in types:
        raise InvalidCredential("type must include VerifiableCredential.")
    if not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        raise InvalidCredential("type must include OpenBadgeCredential.")
    issuer = document.get("issuer")
    issuer_ref = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_ref, str) or not issuer_ref:
        raise InvalidCredential("issuer is missing.")
    if isinstance(issuer, dict) and "Profile" not in _types(issuer.get("type")):
        raise InvalidCredential("issuer must be a Profile.")
    v2 = contexts[0] == VC_CONTEXT
    start = document.get("validFrom" if v2 else "issuanceDate")
    if not isinstance(start, str):
        raise InvalidCredential("validFrom is missing.")
    try:
        valid_from = _parse(start)
        end = document.get("validUntil" if v2 else "expirationDate")
        valid_until = _parse(end) if end else None
    except ValueError as error:
        raise InvalidCredential("A validity date is not an ISO date-time.") from error
    now = now or timezone.now()
    if valid_until is not None and valid_until < now:
        raise InvalidCredential("The credential has expired.")
    if valid_until is not None and valid_until < valid_from:
        raise InvalidCredential("validUntil is before validFrom.")
    subjects = document.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    for subject in subjects:
        if not isinstance(subject, dict):
            raise InvalidCredential("credentialSubject must be an object.")
        if not subject.get("id") and not subject.get("identifier"):
            raise InvalidCredential("credentialSubject needs an id or an identifier.")
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict):
            raise InvalidCredential("credentialSubject.achievement is missing.")
        for member in ("id", "name", "criteria"):
            if not achievement.get(member):
                raise InvalidCredential(f"achievement.{member} is missing.")
        if "Achievement" not in _types(achievement.get("type")):
            raise InvalidCredential("achievement must be an Achievement.")
    return document
