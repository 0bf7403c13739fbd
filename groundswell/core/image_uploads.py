"""Uploaded pictures as they are published: their pixels only.

A phone photo carries where it was taken (EXIF GPS), the camera's serial number and often its
owner's name (EXIF Artist, XMP creator); a GIF or PNG may carry comments. Pictures people upload
(delivery photos, organization logos) are published on this site, so they are re-encoded from
their pixels before they are stored, never kept as uploaded.
"""

from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

# What each format Pillow reads is stored as: (format written, file extension). MPO is how
# Pillow names the JPEG of a phone that stores a second picture in it; its first picture is
# stored as a plain JPEG.
STORED_FORMATS = {
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
    "GIF": ("GIF", "gif"),
}
# Pillow writes some of what it read back out (a GIF's comment): of an image's `info`, only
# which palette entry is see-through is kept.
KEPT_INFO = frozenset({"transparency"})


def image_without_metadata(upload: File, *, name: str, longest_side: int) -> ContentFile:
    """The picture re-encoded from its pixels, at most `longest_side` wide and high, stored as
    `name` with the extension of its format: no location, camera data, names or comments.

    The pixels are turned upright first, since the orientation tag goes with the rest. Of an
    animation or a multi-picture JPEG only the first picture is kept. Callers check the format
    and the number of pixels before (a form's clean): this decodes the whole picture.
    """
    upload.seek(0)
    with Image.open(upload) as original:
        save_format, extension = STORED_FORMATS.get(original.format or "", ("JPEG", "jpg"))
        image = ImageOps.exif_transpose(original)
        image.thumbnail((longest_side, longest_side))
        if save_format == "JPEG" and image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
        buffer = BytesIO()
        image.save(buffer, format=save_format, quality=85)
    return ContentFile(buffer.getvalue(), name=f"{name}.{extension}")
