"""Photos in session reports: checked, cleaned, stored, deleted.

The photos show people in conflict areas. An uploaded file is accepted only
when Pillow recognises it as a JPEG, PNG or WebP picture (whatever its name
says), not too large in bytes or in pixels (decompression bombs), and fully
decodable (no truncated or corrupt files). It is then re-encoded without any
metadata (EXIF, GPS, XMP, ICC, text chunks) by :func:`kalanso.images.strip_metadata`
and downscaled to ``MAX_SIDE`` pixels. Photos are served only through a
permission-checked view, never from a public media URL.
"""

import logging
import warnings

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from PIL import Image

from kalanso.images import strip_metadata

from . import permissions
from .models import CascadeSession, SessionPhoto

logger = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
MAX_PHOTOS = 12
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _refuse(message):
    raise ValidationError(message, code="invalid_photo")


def check(uploaded) -> str:
    """Validate an uploaded photo; return its real format (JPEG, PNG, WEBP).

    Raises ValidationError with a message for the person uploading."""
    if uploaded is None:
        _refuse(_("Choose a photo to upload."))
    if uploaded.size > MAX_BYTES:
        _refuse(
            _("This file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(uploaded.size / 1024 / 1024, 1),
                "limit": MAX_BYTES // 1024 // 1024,
            }
        )
    not_a_photo = _("This file is not a JPEG, PNG or WebP photo.")
    too_many_pixels = _(
        "This picture is too large (more than %(limit)s million pixels)."
    ) % {"limit": MAX_PIXELS // 1_000_000}
    uploaded.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(uploaded) as image:
                image_format = image.format
                if image_format not in FORMATS:
                    _refuse(not_a_photo)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    _refuse(too_many_pixels)
                # Decode every pixel: truncated or corrupt files fail here.
                image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse(too_many_pixels)
        except Exception:  # any decoder failure means "not a photo"
            logger.info("Refused an undecodable photo upload", exc_info=True)
            _refuse(not_a_photo)
    uploaded.seek(0)
    return image_format


def clean(uploaded):
    """A checked photo, re-encoded without metadata and downscaled.

    Returns an uploaded file named after its real format."""
    image_format = check(uploaded)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        cleaned = strip_metadata(uploaded, max_side=MAX_SIDE)
    extension = FORMATS[image_format]
    cleaned.name = f"photo.{extension}"
    cleaned.content_type = CONTENT_TYPES[extension]
    return cleaned


def content_type(photo: SessionPhoto) -> str:
    extension = photo.image.name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def add(session: CascadeSession, by, uploaded, alt_text: str) -> SessionPhoto:
    """Add a photo to a session's report (its trainers, while it is held)."""
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    alt_text = (alt_text or "").strip()
    if not alt_text:
        _refuse(_("Describe what the photo shows."))
    cleaned = clean(uploaded)
    with transaction.atomic():
        session = CascadeSession.objects.select_for_update().get(pk=session.pk)
        if session.status != CascadeSession.Status.HELD:
            _refuse(_("Photos can be added only while the report is being written."))
        if session.photos.count() >= MAX_PHOTOS:
            _refuse(
                _("A report has at most %(count)s photos. Delete one first.")
                % {"count": MAX_PHOTOS}
            )
        photo = SessionPhoto(session=session, alt_text=alt_text, uploaded_by=by)
        photo.image.save(cleaned.name, cleaned, save=False)
        try:
            photo.save()
        except Exception:  # any decoder failure means "not a photo"
            photo.image.delete(save=False)
            raise
    return photo


def delete(photo: SessionPhoto, by) -> None:
    session = photo.session
    if not permissions.can_edit_session(by, session):
        raise PermissionDenied
    with transaction.atomic():
        session = CascadeSession.objects.select_for_update().get(pk=session.pk)
        if session.status != CascadeSession.Status.HELD:
            _refuse(_("Photos can be deleted only while the report is being written."))
        name = photo.image.name
        storage = photo.image.storage
        photo.delete()
        transaction.on_commit(lambda: storage.delete(name))
