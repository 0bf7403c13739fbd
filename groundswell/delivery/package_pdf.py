"""The delivery package's PDF, drawn page by page so memory stays bounded by the page, not the list.

Front matter (cover letter, petition text, counts) is laid out by ReportLab's platypus into one
frame per page; the list of signatories is drawn row by row straight onto the canvas from an
iterator, so 300,000 rows never sit in memory at once. "Page N of M" is a form drawn on every page
and defined once at the end, when M is known.

Text is drawn with DejaVu Sans when the system has it (Latin, Greek, Cyrillic, Arabic, Hebrew…),
else with the Bitstream Vera font that ships with ReportLab (Latin only).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("Vera.ttf", "VeraBd.ttf"),  # found by ReportLab in its own fonts directory
]
REGULAR = "GroundswellSans"
BOLD = "GroundswellSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 42.0
FOOTER_HEIGHT = 24.0
BODY_SIZE = 8.0
LEADING = 10.0
CELL_PADDING = 4.0
TOTAL_PAGES_FORM = "totalPages"


def fonts_register() -> tuple[str, str]:
    """Register the package fonts once per process; returns (regular, bold) font names."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR, BOLD
    for regular, bold in FONT_CANDIDATES:
        try:
            pdfmetrics.registerFont(TTFont(REGULAR, regular))
            pdfmetrics.registerFont(TTFont(BOLD, bold))
        except Exception:  # noqa: S112 (a missing font file: try the next candidate)
            continue
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
        return REGULAR, BOLD
    return "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # a share of the text width; the shares of a table add up to 1
    max_lines: int = 1


@dataclass(frozen=True)
class TableProgress:
    pages: int
    rows: int


class PackageDocument:
    """One PDF being written. Call `flow` and `table` in order, then `close`."""

    def __init__(
        self, path: Path, *, title: str, footer: str, page_label: Callable[[int], str]
    ) -> None:
        """`page_label(n)` is the footer's "Page n of"; the total is drawn after it."""
        self.regular, self.bold = fonts_register()
        self.canvas = Canvas(str(path), pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setCreator("Groundswell")
        self.footer = footer
        self.page_label = page_label
        self.pages = 0
        self.text_width = PAGE_WIDTH - 2 * MARGIN

    def style(self, name: str, **overrides: object) -> ParagraphStyle:
        values: dict[str, object] = {
            "fontName": self.regular,
            "fontSize": 10,
            "leading": 14,
            "spaceAfter": 6,
        }
        values.update(overrides)
        return ParagraphStyle(name, **values)

    def flow(self, flowables: Sequence[Flowable]) -> None:
        """Lay out flowing content on as many pages as it takes."""
        story = list(flowables)
        while story:
            before = len(story), story[0]
            frame = Frame(
                MARGIN,
                MARGIN + FOOTER_HEIGHT,
                self.text_width,
                PAGE_HEIGHT - 2 * MARGIN - FOOTER_HEIGHT,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            frame.addFromList(story, self.canvas)
            if (len(story), story[0] if story else None) == before:
                story.pop(0)  # taller than a whole page and cannot split: leave it out
            self._finish_page(note="")

    def table(
        self,
        *,
        heading: str,
        continued: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[str]],
        running_note: Callable[[int, int], str],
        on_page: Callable[[TableProgress], None] | None = None,
    ) -> int:
        """Draw rows under a repeated header, starting on a new page. Returns the rows drawn.

        `running_note(first, last)` gives the footer of a page that holds rows first..last
        (1-based), e.g. a running count of signatures.
        """
        canvas = self.canvas
        widths = [column.width * self.text_width for column in columns]
        lefts = [MARGIN + sum(widths[:position]) for position in range(len(columns))]
        bottom = MARGIN + FOOTER_HEIGHT
        drawn = 0
        first_on_page = 1
        y = self._table_page_start(heading, columns, lefts)
        text = canvas.beginText()
        text.setFont(self.regular, BODY_SIZE, LEADING)
        for row in rows:
            cells = [
                _lines(value, self.regular, widths[position] - CELL_PADDING, column.max_lines)
                for position, (value, column) in enumerate(zip(row, columns, strict=True))
            ]
            height = max(len(lines) for lines in cells) * LEADING + 3
            if y - height < bottom:
                canvas.drawText(text)
                self._finish_page(note=running_note(first_on_page, drawn))
                if on_page is not None:
                    on_page(TableProgress(pages=self.pages, rows=drawn))
                first_on_page = drawn + 1
                y = self._table_page_start(continued, columns, lefts)
                text = canvas.beginText()
                text.setFont(self.regular, BODY_SIZE, LEADING)
            for left, lines in zip(lefts, cells, strict=True):
                line_y = y - BODY_SIZE
                for line in lines:
                    if line:
                        text.setTextOrigin(left, line_y)
                        text.textOut(line)
                    line_y -= LEADING
            y -= height
            drawn += 1
        canvas.drawText(text)
        self._finish_page(note=running_note(first_on_page, drawn) if drawn else "")
        if on_page is not None:
            on_page(TableProgress(pages=self.pages, rows=drawn))
        return drawn

    def close(self) -> int:
        """Write the total page count into every footer and the file to disk; returns pages."""
        canvas = self.canvas
        canvas.beginForm(TOTAL_PAGES_FORM)
        canvas.setFont(self.regular, BODY_SIZE)
        canvas.drawString(0, 0, f"{self.pages:,}")
        canvas.endForm()
        canvas.save()
        return self.pages

    def _table_page_start(self, heading: str, columns: Sequence[Column], lefts: list) -> float:
        canvas = self.canvas
        y = PAGE_HEIGHT - MARGIN
        canvas.setFont(self.bold, 12)
        canvas.drawString(MARGIN, y - 12, heading)
        y -= 24
        canvas.setFont(self.bold, BODY_SIZE)
        for left, column in zip(lefts, columns, strict=True):
            canvas.drawString(left, y - BODY_SIZE, column.title)
        y -= LEADING + 2
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
        return y - 2

    def _finish_page(self, *, note: str) -> None:
        canvas = self.canvas
        self.pages += 1
        y = MARGIN
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y + 12, PAGE_WIDTH - MARGIN, y + 12)
        canvas.setFont(self.regular, BODY_SIZE)
        canvas.drawString(MARGIN, y, _fit(self.footer, self.regular, self.text_width * 0.4))
        if note:
            canvas.drawCentredString(PAGE_WIDTH / 2, y, note)
        label = self.page_label(self.pages)
        total_width = pdfmetrics.stringWidth("0,000,000", self.regular, BODY_SIZE)
        right = PAGE_WIDTH - MARGIN - total_width
        canvas.drawRightString(right - 3, y, label)
        canvas.saveState()
        canvas.translate(right, y)
        canvas.doForm(TOTAL_PAGES_FORM)
        canvas.restoreState()
        canvas.showPage()


def _lines(value: str, font: str, width: float, max_lines: int) -> list[str]:
    if not value:
        return [""]
    if max_lines == 1 or pdfmetrics.stringWidth(value, font, BODY_SIZE) <= width:
        return [_fit(value, font, width)]
    lines = simpleSplit(value, font, BODY_SIZE, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _fit(" ".join(lines[max_lines - 1 :]), font, width)]
    return [_fit(line, font, width) for line in lines] or [""]


def _fit(value: str, font: str, width: float) -> str:
    """The value, cut with an ellipsis if it is wider than the column."""
    if pdfmetrics.stringWidth(value, font, BODY_SIZE) <= width:
        return value
    while value and pdfmetrics.stringWidth(value + "…", font, BODY_SIZE) > width:
        value = value[:-1]
    return value + "…"
