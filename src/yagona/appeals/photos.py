"""Photos of a problem report: checked by content (core.uploads), opened with Pillow and
saved again without their metadata, so a phone's GPS position, its make and the time
never leave with a photo; a file Pillow cannot read is refused."""

import hashlib
import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from yagona.core.uploads import FileRejected, check_upload

ACCEPT = ("image/jpeg", "image/png")
MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 2560  # larger photos are scaled down: enough to see a pothole
Image.MAX_IMAGE_PIXELS = 40_000_000  # a "decompression bomb" is refused, not decoded


def cleaned(upload) -> tuple[ContentFile, str, str]:
    """(file, content type, sha256) of the photo as kept; FileRejected with a message for
    the author otherwise."""
    content_type, _digest = check_upload(upload, ACCEPT, MAX_BYTES)
    try:
        image = Image.open(upload)
        image = ImageOps.exif_transpose(image)  # keep it upright once the EXIF is gone
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        if content_type == "image/png":
            image.save(out, "PNG", optimize=True)
        else:
            image.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise FileRejected(_("The photo could not be read. Choose a JPEG or PNG photo."
                             )) from exc
    data = out.getvalue()
    extension = "png" if content_type == "image/png" else "jpg"
    return ContentFile(data, name=f"photo.{extension}"), content_type, \
        hashlib.sha256(data).hexdigest()
