"""The 1200x630 PNG that link previews show (`og:image`): a title, the live count, logos.

Drawn with Pillow in a font ReportLab ships (Bitstream Vera, in `reportlab/fonts`), so the
image looks the same on every server whatever fonts the system has. A picture costs tens of
milliseconds: `share_image_cached` keeps it in the shared cache and draws it again at most
every SHARE_IMAGE_SECONDS, and only when what it shows (the count) changed.
"""

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import reportlab
from django.conf import settings
from django.core.cache import cache as shared_cache
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
BACKGROUND = (250, 247, 240)
INK = (28, 28, 28)
ACCENT = (178, 58, 38)
MUTED = (90, 90, 90)
LOGO_SIZE = 72
MAX_LOGOS = 8
# The most pixels a logo may have (4,000 x 4,000). Decoding costs up to 4 bytes a pixel whatever
# the file's size: a PNG of one colour compresses a thousandfold, so 1 MB holds 170 million.
LOGO_MAX_PIXELS = 16_000_000
FONT_DIRECTORY = Path(reportlab.__file__).parent / "fonts"


@dataclass(frozen=True)
class ShareImage:
    title: str
    # The count line, e.g. "12,345 signatures" (already localized by the caller).
    count_line: str
    # "A petition hosted by …", "An open letter to …".
    subtitle: str
    # Logo files (opened through storage by the caller): drawn in a row at the bottom.
    logos: Sequence[bytes] = ()


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIRECTORY / ("VeraBd.ttf" if bold else "Vera.ttf")), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _title_lines(draw: ImageDraw.ImageDraw, title: str) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest size at which the title fits in four lines (the last cut with …)."""
    width = WIDTH - 2 * MARGIN
    for size in (64, 56, 48, 42):
        font = _font(True, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= 4:
            return lines, font
    lines = _wrap(draw, title, font, width)[:4]
    while lines[-1] and draw.textlength(lines[-1] + "…", font=font) > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] = lines[-1].rstrip() + "…"
    return lines, font


def share_image_render(image: ShareImage) -> bytes:
    picture = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, WIDTH, 16), fill=ACCENT)
    y = MARGIN
    draw.text((MARGIN, y), image.subtitle, font=_font(False, 28), fill=MUTED)
    y += 56
    lines, font = _title_lines(draw, image.title)
    line_height = int(font.size * 1.2)
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += line_height
    count_y = HEIGHT - MARGIN - LOGO_SIZE - 90 if image.logos else HEIGHT - MARGIN - 72
    draw.text((MARGIN, max(y + 16, count_y)), image.count_line, font=_font(True, 60), fill=ACCENT)
    x = MARGIN
    for data in list(image.logos)[:MAX_LOGOS]:
        try:
            opened = Image.open(io.BytesIO(data))  # reads the header only
            if opened.width * opened.height > LOGO_MAX_PIXELS:
                continue  # stored before uploads were limited: never decoded
            opened.thumbnail((LOGO_SIZE, LOGO_SIZE))
            logo = opened.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError):
            continue  # a damaged upload is left out, never a broken image
        picture.paste(logo, (x, HEIGHT - MARGIN - logo.height), logo)
        x += LOGO_SIZE + 24
    draw.text(
        (WIDTH - MARGIN, HEIGHT - 40), "Groundswell", font=_font(True, 22), fill=MUTED, anchor="rs"
    )
    output = io.BytesIO()
    picture.save(output, format="PNG", optimize=True)
    return output.getvalue()


def share_image_cached(*, key: str, fingerprint: str, build: Callable[[], ShareImage]) -> bytes:
    """The PNG for `key`, drawn again only when `fingerprint` (what it shows) changed and the
    stored one is older than SHARE_IMAGE_SECONDS: a count moving every second redraws it at
    most once per interval."""
    seconds = settings.SHARE_IMAGE_SECONDS
    fresh_key = f"share-image-fresh:{key}"
    stored = shared_cache.get(f"share-image:{key}")
    if stored is not None:
        stored_fingerprint, png = stored
        if stored_fingerprint == fingerprint or shared_cache.get(fresh_key):
            return png
    png = share_image_render(build())
    # Kept a day; a newer count replaces it once the fresh marker expires.
    shared_cache.set(f"share-image:{key}", (fingerprint, png), 86400)
    shared_cache.set(fresh_key, True, seconds)
    return png


def share_image_etag(png: bytes) -> str:
    return '"' + hashlib.sha256(png).hexdigest()[:32] + '"'
