"""Photos in session reports: what is accepted and how it is cleaned.

The photos show people in conflict areas. An uploaded file is accepted only
when Pillow recognises it as a JPEG, PNG or WebP picture (whatever its name
says), not too large in bytes or in pixels (decompression bombs), and fully
decodable (no truncated or corrupt files). It is then re-encoded without any
metadata (EXIF, GPS, XMP, ICC, text chunks) by :func:`kalanso.images.strip_metadata`
and downscaled to ``MAX_SIDE`` pixels. Photos are served only through a
permission-checked view, never from a public media URL. Adding and deleting
them: ``services.photo_add`` and ``services.photo_delete``.
"""

import logging
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from PIL import Image

from kalanso.images import strip_metadata

from .models import SessionPhoto

logger = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
MAX_PHOTOS = 12
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def refuse(message):
    """Refuse a photo with a message for the person uploading it."""
    raise ValidationError(message, code="invalid_photo")


def check(uploaded) -> str:
    """Validate an uploaded photo; return its real format (JPEG, PNG, WEBP).

    Raises ValidationError with a message for the person uploading."""
    if uploaded is None:
        refuse(_("Choose a photo to upload."))
    if uploaded.size > MAX_BYTES:
        refuse(
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
                    refuse(not_a_photo)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    refuse(too_many_pixels)
                # Decode every pixel: truncated or corrupt files fail here.
                image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            refuse(too_many_pixels)
        except Exception:  # any decoder failure means "not a photo"
            logger.info("Refused an undecodable photo upload", exc_info=True)
            refuse(not_a_photo)
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
