"""CSV exports: exporters yield rows; this module turns them into a streamed download."""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.http import StreamingHttpResponse

# A cell starting with one of these is a formula in spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Rows are sent in pieces of about this many characters: one piece per row would cost a trip
# through the response machinery for every line of a million-line export.
PIECE_SIZE = 64 * 1024


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The CSV text, in pieces of about PIECE_SIZE characters (whole lines each)."""
    writer = csv.writer(_Echo())
    piece = [writer.writerow(header)]
    size = 0
    for row in rows:
        line = writer.writerow([_cell(value) for value in row])
        piece.append(line)
        size += len(line)
        if size >= PIECE_SIZE:
            yield "".join(piece)
            piece, size = [], 0
    if piece:
        yield "".join(piece)


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
