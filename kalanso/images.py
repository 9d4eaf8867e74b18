"""Photos lose their metadata (GPS position, camera, owner…) on upload.

A photo taken at a training in Gao or Mopti can reveal where and when people
met. Every uploaded image is re-encoded by Pillow without EXIF, XMP, IPTC or
text chunks, after applying the EXIF orientation so it still displays upright.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images.forms import BaseImageForm

from PIL import Image, ImageOps

SAVE_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90},
    "GIF": {},
}


def strip_metadata(uploaded, max_side=None):
    """Return a new uploaded file with the same picture and no metadata,
    downscaled to ``max_side`` pixels on its long side when given."""
    uploaded.seek(0)
    with Image.open(uploaded) as image:
        image_format = image.format
        if image_format not in SAVE_OPTIONS:
            raise ValueError(f"Unsupported image format: {image_format}")
        if image_format == "GIF":
            # Animated GIFs keep their frames; GIF carries no EXIF/GPS.
            uploaded.seek(0)
            return uploaded
        image.load()
        clean = ImageOps.exif_transpose(image)
        if clean is image:
            clean = image.copy()
        if max_side and max(clean.size) > max_side:
            clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        clean.info.clear()
        if image_format == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        buffer = io.BytesIO()
        clean.save(buffer, format=image_format, **SAVE_OPTIONS[image_format])
    return SimpleUploadedFile(
        uploaded.name,
        buffer.getvalue(),
        content_type=getattr(uploaded, "content_type", None)
        or f"image/{image_format.lower()}",
    )


class MetadataStrippingImageForm(BaseImageForm):
    """Wagtail's image form, removing metadata from every uploaded file."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            uploaded = strip_metadata(uploaded)
        return uploaded
