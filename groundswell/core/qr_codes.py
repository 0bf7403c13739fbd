"""QR codes (segno) for posters and rally signs: plain SVG, drawn on the server."""

import io

import segno


def qr_svg(*, url: str, title: str = "") -> bytes:
    """An SVG QR code of `url` that scales to any size (a viewBox, no fixed width), with the
    quiet zone scanners need. Error correction "M" survives a crumpled or rained-on poster."""
    code = segno.make(url, error="m", micro=False)
    output = io.BytesIO()
    code.save(output, kind="svg", border=4, xmldecl=False, omitsize=True, title=title or None)
    return output.getvalue()
