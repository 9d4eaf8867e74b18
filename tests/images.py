"""Pictures made in memory for upload tests."""

import io

from PIL import Image


def picture(image_format="JPEG", size=(300, 200), mode="RGB"):
    """The bytes of a plain picture in ``image_format`` (JPEG, PNG, WEBP, GIF…)."""
    buffer = io.BytesIO()
    Image.new(mode, size, 128).save(buffer, format=image_format)
    return buffer.getvalue()
