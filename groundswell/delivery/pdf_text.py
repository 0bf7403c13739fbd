"""Typed text turned into ReportLab flowables, escaped: Paragraph reads a markup language, and a
"<" in a petition's ask must print as "<", not open a tag."""

from html.parser import HTMLParser
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from groundswell.delivery.package_pdf import PackageDocument

# Inline tags of the sanitised background HTML that Paragraph understands too.
INLINE_TAGS = {"b": "b", "strong": "b", "i": "i", "em": "i", "code": "font"}
BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "blockquote", "pre"}


def _styles(document: PackageDocument) -> dict[str, dict[str, object]]:
    bold = document.bold
    return {
        "body": {},
        "small": {"fontSize": 8.5, "leading": 11, "textColor": colors.HexColor("#444444")},
        "title": {"fontName": bold, "fontSize": 18, "leading": 23, "spaceAfter": 12},
        "subtitle": {"fontName": bold, "fontSize": 14, "leading": 18, "spaceAfter": 8},
        "heading": {"fontName": bold, "fontSize": 12, "leading": 16, "spaceBefore": 8},
        "chapter": {"fontName": bold, "fontSize": 16, "leading": 20, "spaceAfter": 10},
        "ask": {"fontName": bold, "fontSize": 11, "leading": 15},
        "bullet": {"leftIndent": 12, "bulletIndent": 2},
        "quote": {"leftIndent": 14, "textColor": colors.HexColor("#333333")},
    }


def paragraph(document: PackageDocument, text: str, style: str = "body") -> Flowable:
    """A paragraph of plain text in one of the styles above."""
    return _markup_paragraph(document, escape(text).replace("\n", "<br/>"), style)


def plain_paragraphs(document: PackageDocument, text: str, style: str = "body") -> list[Flowable]:
    """Paragraphs separated by blank lines; single newlines are kept as line breaks."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [paragraph(document, block, style) for block in blocks if block]


def table(document: PackageDocument, header: list[str], rows: list[tuple[str, str]]) -> Flowable:
    style = document.style("cell", fontSize=9, leading=11, spaceAfter=0)
    bold = document.style("cell-bold", fontName=document.bold, fontSize=9, leading=11)
    data = [[Paragraph(escape(cell), bold) for cell in header]]
    data += [[Paragraph(escape(cell), style) for cell in row] for row in rows]
    widths = [document.text_width * 0.7, document.text_width * 0.3]
    flowable = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return flowable


def html_paragraphs(document: PackageDocument, html: str) -> list[Flowable]:
    """The campaign's background (Markdown rendered and sanitised when saved) as paragraphs."""
    parser = _BlockParser()
    parser.feed(html or "")
    parser.close()
    flowables: list[Flowable] = []
    for tag, markup in parser.blocks:
        if not markup.strip():
            continue
        if tag == "li":
            flowables.append(_markup_paragraph(document, markup, "bullet", bullet="•"))
        elif tag in {"h2", "h3", "h4"}:
            flowables.append(_markup_paragraph(document, markup, "heading"))
        elif tag == "blockquote":
            flowables.append(_markup_paragraph(document, markup, "quote"))
        else:
            flowables.append(_markup_paragraph(document, markup, "body"))
    return flowables


def _markup_paragraph(
    document: PackageDocument, markup: str, style: str, bullet: str | None = None
) -> Flowable:
    overrides = _styles(document)[style]
    return Paragraph(markup, document.style(style, **overrides), bulletText=bullet)


class _BlockParser(HTMLParser):
    """Splits sanitised HTML into blocks of Paragraph markup, escaping every piece of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._tag = "p"
        self._parts: list[str] = []
        self._open: list[str] = []
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
            self._tag = tag
        elif tag == "br":
            self._parts.append("<br/>")
        elif tag in INLINE_TAGS:
            mapped = INLINE_TAGS[tag]
            self._parts.append('<font face="Courier">' if mapped == "font" else f"<{mapped}>")
            self._open.append(mapped)
        elif tag == "a":
            self._link = dict(attrs).get("href") or None

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
        elif tag in INLINE_TAGS and self._open:
            self._parts.append(f"</{self._open.pop()}>")
        elif tag == "a" and self._link:
            self._parts.append(escape(f" ({self._link})"))
            self._link = None

    def handle_data(self, data: str) -> None:
        self._parts.append(escape(data))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        while self._open:
            self._parts.append(f"</{self._open.pop()}>")
        text = "".join(self._parts).strip()
        if text:
            self.blocks.append((self._tag, text))
        self._parts = []
        self._tag = "p"
