"""Who may see and do what with credentials.

- Anyone with a code: the verification page and the signed credential.
- The holder (the account the credential was issued to, or the account that
  claimed the participant record): their PDF and signed credential.
- Programme managers (and administrators): everything, including search,
  revocation and reissue (the role: ``kalanso.accounts.roles``).
- The session's trainers, master trainers (they see every session's
  participants) and managers: the attendance certificates of a session.
"""

from kalanso.accounts.roles import is_programme_manager
from trainers.permissions import can_see_participants

from .models import Credential


def is_holder(user, credential: Credential) -> bool:
    if not user.is_authenticated:
        return False
    if credential.user_id == user.pk:
        return True
    participant = credential.participant
    return participant is not None and participant.user_id == user.pk


def can_download(user, credential: Credential) -> bool:
    if is_holder(user, credential) or is_programme_manager(user):
        return True
    return (
        credential.kind == Credential.Kind.ATTENDANCE
        and credential.session is not None
        and can_see_participants(user, credential.session)
    )


def can_manage(user) -> bool:
    return is_programme_manager(user)
