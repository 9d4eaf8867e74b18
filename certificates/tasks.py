"""Issuance in the task worker: immediate in development and tests, the
database-backed worker in production. Each task is idempotent."""

from django_tasks import task

from . import issuance


@task()
def issue_course_credential(user_id: int, course_key: str) -> int | None:
    credential = issuance.course_credential_issue(
        user_id=user_id, course_key=course_key
    )
    return credential.pk if credential else None


@task()
def issue_course_credentials_after_attempt(user_id: int, quiz_id: int) -> list[int]:
    return [
        credential.pk
        for credential in issuance.course_credentials_after_attempt(
            user_id=user_id, quiz_id=quiz_id
        )
    ]


@task()
def sync_trainer_credentials(profile_id: int) -> int | None:
    credential = issuance.trainer_credentials_sync(profile_id=profile_id)
    return credential.pk if credential else None


@task()
def issue_attendance_credentials(session_id: int) -> int:
    return len(issuance.attendance_credentials_issue(session_id=session_id))
