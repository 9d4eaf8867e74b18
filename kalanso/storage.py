"""Where uploaded files go, and what to say when they cannot be stored.

Local files by default (``MEDIA_ROOT``, and ``PRIVATE_MEDIA_ROOT`` for files
the web server must never serve); any S3-compatible object store at scale,
through django-storages, when ``KALANSO_S3_BUCKET`` is set (settings).

A store can refuse a file: a full disk (``ENOSPC``), a quota, an object store
that does not answer or says no. :func:`storage_errors` names those errors,
whichever backend is configured, so that a view can answer with a clear
message (:func:`storage_error_message`) instead of a 500.
"""

import errno

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _


class PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up when first used (and again when the
    setting changes, as ``default_storage`` is): a model field built with it
    follows the settings instead of keeping the storage of import time."""

    def _setup(self):
        from django.core.files.storage import storages

        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed, dispatch_uid="kalanso_private_storage")
def _private_storage_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_storage._wrapped = empty


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
