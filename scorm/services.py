"""Write side of SCORM: storing a package, launching a SCO, applying a commit.

Commits are applied under a row lock on the attempt (``select_for_update``):
a commit whose sequence number is not above the session's last one is a
replay or arrived out of order, and changes nothing. Only the newest session
of an attempt writes the run-time state (an old tab cannot take the learner
back); every session keeps its own time, so the total is never counted twice.

When every SCO of the package is done (completed or passed), the lesson is
marked complete through ``courses.services.lesson_complete``: the course
completion rule (``courses.completion``) then counts it like any lesson.
"""

from __future__ import annotations

import math
import re
import shutil
import uuid

from django.db import transaction
from django.utils import timezone

from courses.services import lesson_complete

from .models import SUSPEND_DATA_MAX, ScormAttempt, ScormPackage, ScormSession
from .packages import extract_package, inspect_package

# Commit payload bounds.
LOCATION_MAX = 1000
MAX_OBJECTIVES = 250
MAX_INTERACTIONS = 500
MAX_TEXT = 4000
SESSION_SECONDS_MAX = 7 * 24 * 3600

STATUSES_12 = {
    "passed",
    "completed",
    "failed",
    "incomplete",
    "browsed",
    "not attempted",
}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
EXITS = {"", "time-out", "suspend", "logout", "normal"}


class CommitError(ValueError):
    """A commit that is not well-formed (answered with 400)."""


# Packages ------------------------------------------------------------------------------


def package_create(
    *, upload, title: str = "", user=None, manifest=None
) -> ScormPackage:
    """Check, unpack and record a package; all or nothing (PackageError).
    ``manifest``: the result of ``inspect_package(upload)`` if already known."""
    if manifest is None:
        manifest = inspect_package(upload)
    package = ScormPackage(
        title=(title or manifest.title or manifest.identifier or "SCORM")[:300],
        version=manifest.version,
        identifier=manifest.identifier,
        structure=manifest.structure(),
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    destination = package.path
    size = extract_package(upload, destination)
    try:
        with transaction.atomic():
            package.size_bytes = size
            package.file_count = sum(1 for p in destination.rglob("*") if p.is_file())
            package.save()
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
    return package


def package_files_delete(package: ScormPackage) -> None:
    shutil.rmtree(package.path, ignore_errors=True)


# Launch ---------------------------------------------------------------------------------


def _starts_new_attempt(attempt: ScormAttempt, version: str) -> bool:
    """SCORM 2004: an attempt ends when the SCO exits normally (or logs out).
    SCORM 1.2 keeps one attempt. A tab closed before Terminate is a suspend."""
    if version != "2004" or not attempt.terminated:
        return False
    return attempt.exit in ("", "normal", "logout", "time-out")


def launch(*, user, package: ScormPackage, sco_id: str, lesson=None) -> ScormSession:
    """Open a session on the learner's current attempt (or a new one) and
    decide ``cmi.entry``: ``resume`` after a suspend or a closed tab."""
    with transaction.atomic():
        attempt = (
            ScormAttempt.objects.select_for_update()
            .filter(user=user, package=package, sco_id=sco_id)
            .order_by("-number")
            .first()
        )
        if attempt is not None and _starts_new_attempt(attempt, package.version):
            attempt = ScormAttempt.objects.create(
                user=user, package=package, sco_id=sco_id, number=attempt.number + 1
            )
            entry = "ab-initio"
        elif attempt is None:
            attempt = ScormAttempt.objects.create(
                user=user, package=package, sco_id=sco_id
            )
            entry = "ab-initio"
        elif attempt.exit == "suspend" or not attempt.terminated:
            entry = "resume"
        else:
            entry = ""
        if attempt.terminated:
            attempt.terminated = False
            attempt.save(update_fields=["terminated", "updated_at"])
        return ScormSession.objects.create(attempt=attempt, lesson=lesson, entry=entry)


def initial_cmi(session: ScormSession, *, user, version: str) -> dict:
    """The data model the runtime starts from (scorm-again's loadFromJSON shape)."""
    attempt = session.attempt
    name = (user.get_full_name() or user.get_username())[:250]
    learner_id = f"kalanso:{user.pk}"
    score = {
        key: value
        for key, value in (
            ("raw", attempt.score_raw),
            ("min", attempt.score_min),
            ("max", attempt.score_max),
        )
        if value is not None
    }
    resume = session.entry == "resume"
    entry = session.entry if version == "2004" else ("resume" if resume else "")
    if version == "1.2":
        core = {
            "student_id": learner_id,
            "student_name": name,
            "lesson_status": attempt.completion_status,
            "lesson_location": attempt.location,
            "entry": entry,
            "total_time": _hhmmss(attempt.total_seconds),
        }
        if score:
            core["score"] = {k: str(v) for k, v in score.items()}
        return {"core": core, "suspend_data": attempt.suspend_data}
    cmi = {
        "learner_id": learner_id,
        "learner_name": name,
        # Never set by the SCO yet: "unknown" (the model's default is 1.2's).
        "completion_status": attempt.completion_status
        if attempt.completion_status in COMPLETION_2004 - {"not attempted"}
        else "unknown",
        "success_status": attempt.success_status,
        "location": attempt.location,
        "suspend_data": attempt.suspend_data,
        "entry": entry,
        "total_time": _iso_duration(attempt.total_seconds),
    }
    if score:
        cmi["score"] = {k: str(v) for k, v in score.items()}
        if attempt.score_scaled is not None:
            cmi["score"]["scaled"] = str(attempt.score_scaled)
    return cmi


def _hhmmss(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:04d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _iso_duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"


# Commits --------------------------------------------------------------------------------

_HHMMSS = re.compile(r"^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$")
_ISO = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(value) -> float:
    """Seconds in a SCORM 1.2 (HHHH:MM:SS.SS) or 2004 (ISO 8601) time span."""
    if not isinstance(value, str) or not value:
        return 0.0
    if match := _HHMMSS.match(value):
        hours, minutes, seconds, fraction = match.groups()
        return (
            int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)
        )
    if (match := _ISO.match(value)) and value not in ("P", "PT"):
        years, months, days, hours, minutes, seconds = (
            float(g) if g else 0.0 for g in match.groups()
        )
        return (
            years * 365 * 86400
            + months * 30 * 86400
            + days * 86400
            + hours * 3600
            + minutes * 60
            + seconds
        )
    raise CommitError(f"bad time span {value[:40]!r}")


def _number(value, *, low=-math.inf, high=math.inf):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CommitError("score is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise CommitError("score out of bounds")
    return number


def _text(value, limit=MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise CommitError("expected a string")
    return str(value)[:limit]


def _entries(value, limit) -> list:
    """scorm-again renders collections as {"childArray": [...]} or a list."""
    if value in (None, "", {}):
        return []
    if isinstance(value, dict):
        value = value.get("childArray", [])
    if not isinstance(value, list):
        raise CommitError("expected a list")
    if len(value) > limit:
        raise CommitError("too many entries")
    cleaned = []
    for entry in value:
        if not isinstance(entry, dict):
            raise CommitError("expected an object")
        cleaned.append(_flat(entry))
    return cleaned


def _flat(entry: dict, depth=0) -> dict:
    if depth > 4:
        raise CommitError("too deep")
    out = {}
    for key, value in list(entry.items())[:50]:
        key = str(key)[:64]
        if isinstance(value, dict):
            out[key] = _flat(value, depth + 1)
        elif isinstance(value, list):
            out[key] = [
                _flat(v, depth + 1) if isinstance(v, dict) else _text(v)
                for v in value[:100]
            ]
        else:
            out[key] = _text(value)
    return out


def read_commit(version: str, cmi) -> dict:
    """The fields we keep, validated, from a committed ``cmi`` object."""
    if not isinstance(cmi, dict):
        raise CommitError("cmi must be an object")
    if version == "1.2":
        core = cmi.get("core") or {}
        if not isinstance(core, dict):
            raise CommitError("core must be an object")
        score = core.get("score") or {}
        status = _text(core.get("lesson_status"), 20)
        if status and status not in STATUSES_12:
            raise CommitError("bad lesson_status")
        exit_ = _text(core.get("exit"), 20)
        if exit_ not in EXITS:
            raise CommitError("bad exit")
        data = {
            "completion_status": status,
            "success_status": "",
            "location": _text(core.get("lesson_location"), LOCATION_MAX),
            "session_time": parse_duration(core.get("session_time")),
            "exit": exit_,
        }
    else:
        score = cmi.get("score") or {}
        completion = _text(cmi.get("completion_status"), 20)
        success = _text(cmi.get("success_status"), 20)
        if completion and completion not in COMPLETION_2004:
            raise CommitError("bad completion_status")
        if success and success not in SUCCESS_2004:
            raise CommitError("bad success_status")
        exit_ = _text(cmi.get("exit"), 20)
        if exit_ not in EXITS:
            raise CommitError("bad exit")
        data = {
            "completion_status": completion,
            "success_status": success,
            "location": _text(cmi.get("location"), LOCATION_MAX),
            "session_time": parse_duration(cmi.get("session_time")),
            "exit": exit_,
        }
    if not isinstance(score, dict):
        raise CommitError("score must be an object")
    suspend = cmi.get("suspend_data", "")
    if not isinstance(suspend, str):
        raise CommitError("suspend_data must be a string")
    if len(suspend) > SUSPEND_DATA_MAX:
        raise CommitError("suspend_data too long")
    data.update(
        suspend_data=suspend,
        score_raw=_number(score.get("raw")),
        score_min=_number(score.get("min")),
        score_max=_number(score.get("max")),
        score_scaled=_number(score.get("scaled"), low=-1, high=1),
        objectives=_entries(cmi.get("objectives"), MAX_OBJECTIVES),
        interactions=_entries(cmi.get("interactions"), MAX_INTERACTIONS),
    )
    if data["session_time"] > SESSION_SECONDS_MAX:
        raise CommitError("session time out of bounds")
    return data


def commit(
    *, session_id: uuid.UUID, seq, cmi, terminated: bool = False
) -> tuple[ScormSession, bool]:
    """Apply one commit. Returns (session, applied): ``applied`` is False for
    a replay or a commit that arrived after a newer one."""
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**31:
        raise CommitError("seq must be a positive integer")
    with transaction.atomic():
        session = ScormSession.objects.select_related("attempt__package").get(
            pk=session_id
        )
        # Lock the attempt row: concurrent commits of its sessions queue here.
        attempt = ScormAttempt.objects.select_for_update().get(pk=session.attempt_id)
        session = ScormSession.objects.get(pk=session_id)
        version = (
            ScormPackage.objects.only("version").get(pk=attempt.package_id).version
        )
        data = read_commit(version, cmi)
        if (
            version == "1.2"
            and terminated
            and data["completion_status"] in ("", "not attempted")
        ):
            # SCORM 1.2 run-time: a SCO that finishes without setting its
            # status is completed (the "minimum calls" packages rely on it).
            data["completion_status"] = "completed"
        if seq <= session.last_seq:
            return session, False
        session.last_seq = seq
        session.seconds = data.pop("session_time")
        session.committed_at = timezone.now()
        session.save(update_fields=["last_seq", "seconds", "committed_at"])
        newest = (
            ScormSession.objects.filter(attempt=attempt)
            .order_by("-started_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        total = sum(
            ScormSession.objects.filter(attempt=attempt).values_list(
                "seconds", flat=True
            )
        )
        attempt.total_seconds = total
        fields = ["total_seconds", "updated_at"]
        if newest == session.pk:
            for key, value in data.items():
                if key in ("completion_status", "success_status") and not value:
                    continue
                setattr(attempt, key, value)
                fields.append(key)
            if terminated:
                attempt.terminated = True
                fields.append("terminated")
        attempt.save(update_fields=fields)
        lesson = session.lesson
        package = attempt.package
        user = attempt.user
    if lesson is not None and attempt.satisfied and package_satisfied(user, package):
        course = lesson.course
        if course is not None:
            lesson_complete(user=user, lesson=lesson, course=course)
    return session, True


def latest_attempts(user, package: ScormPackage) -> dict[str, ScormAttempt]:
    """The learner's latest attempt at each SCO of the package."""
    latest = {}
    for attempt in ScormAttempt.objects.filter(user=user, package=package).order_by(
        "number"
    ):
        latest[attempt.sco_id] = attempt
    return latest


def package_satisfied(user, package: ScormPackage) -> bool:
    """Every SCO is done: some attempt of each was completed or passed."""
    done = {
        a.sco_id
        for a in ScormAttempt.objects.filter(user=user, package=package)
        if a.satisfied
    }
    return all(sco["id"] in done for sco in package.scos)
