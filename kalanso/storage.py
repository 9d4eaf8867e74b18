"""Where uploaded files go, and what to say when they cannot be stored.

Local files by default (``MEDIA_ROOT``, and ``PRIVATE_MEDIA_ROOT`` for files
the web server must never serve).

A store can refuse a file: a full disk (``ENOSPC``), a quota, an object store
that does not answer or says no. :func:`storage_errors` names those errors,
whichever backend is configured, so that a view can answer with a clear
message (:func:`storage_error_message`) instead of a 500.
"""

import errno

from django.utils.translation import gettext as _


def storage_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a storage raises when it cannot store a file."""
    errors: tuple[type[BaseException], ...] = (OSError,)
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # django-storages' S3 backend not installed
        return errors
    return (*errors, BotoCoreError, ClientError)


def storage_error_message(error: BaseException) -> str:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _(
            "The photo could not be stored: the server has no space left. "
            "Nothing else was lost. Try again later, or tell the programme team."
        )
    return _(
        "The photo could not be stored right now. Nothing else was lost. "
        "Try again in a few minutes, or tell the programme team."
    )
