"""Cursor pagination and incremental sync: lists are ordered by (modified, id) and a page ends
with an opaque cursor naming its last row, so rows modified meanwhile are found by the next
sync rather than shifting pages (no OFFSET, no COUNT)."""

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from groundswell.api.errors import ApiError

M = TypeVar("M", bound=Model)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
# OSDI's filter syntax, as Action Network accepts it: filter=modified_date gt '2024-01-01'.
OSDI_FILTER = re.compile(r"^\s*modified_date\s+(gt|lt)\s+'([^']{1,64})'\s*$")


def _bad(message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message)


def _datetime(text: str, what: str) -> datetime:
    try:
        value = parse_datetime(text.strip())
    except ValueError:
        value = None
    if value is None:
        # A bare date means its midnight (UTC).
        try:
            value = parse_datetime(f"{text.strip()}T00:00:00+00:00")
        except ValueError:
            value = None
    if value is None:
        raise _bad(f"{what} is not an ISO 8601 date or date and time: {text[:64]!r}")
    return make_aware(value) if is_naive(value) else value


@dataclass(frozen=True)
class PageRequest:
    per_page: int = DEFAULT_PER_PAGE
    after: tuple[datetime, int] | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None


def page_request(
    *, per_page: int | None, cursor: str | None, modified_since: str | None, filter: str | None
) -> PageRequest:
    """Parse the list parameters; 400 with a sentence saying which one is wrong."""
    size = DEFAULT_PER_PAGE if per_page is None else per_page
    if not 1 <= size <= MAX_PER_PAGE:
        raise _bad(f"per_page must be between 1 and {MAX_PER_PAGE}.")
    after = None
    if cursor:
        try:
            moment, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
            after = (_datetime(str(moment), "cursor"), int(row_id))
        except (ValueError, TypeError, binascii.Error, ApiError, UnicodeError):
            raise _bad("cursor is not one this API gave.") from None
    modified_after = _datetime(modified_since, "modified_since") if modified_since else None
    modified_before = None
    if filter:
        match = OSDI_FILTER.match(filter)
        if match is None:
            raise _bad(
                "filter supports only: modified_date gt '<date>' or modified_date lt '<date>'."
            )
        moment = _datetime(match.group(2), "filter")
        if match.group(1) == "gt":
            modified_after = max(modified_after, moment) if modified_after else moment
        else:
            modified_before = moment
    return PageRequest(
        per_page=size, after=after, modified_after=modified_after, modified_before=modified_before
    )


def cursor_encode(moment: datetime, row_id: int) -> str:
    raw = json.dumps([moment.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str | None


def keyset_page(queryset: QuerySet[M], *, modified: str, page: PageRequest) -> Page:
    """One page of `queryset` in (modified, id) order after the cursor, within the filters."""
    if page.modified_after is not None:
        queryset = queryset.filter(**{f"{modified}__gt": page.modified_after})
    if page.modified_before is not None:
        queryset = queryset.filter(**{f"{modified}__lt": page.modified_before})
    if page.after is not None:
        moment, row_id = page.after
        queryset = queryset.filter(
            Q(**{f"{modified}__gt": moment}) | Q(**{modified: moment, "pk__gt": row_id})
        )
    rows = list(queryset.order_by(modified, "pk")[: page.per_page + 1])
    next_cursor = None
    if len(rows) > page.per_page:
        rows = rows[: page.per_page]
        last = rows[-1]
        next_cursor = cursor_encode(getattr(last, modified), last.pk)
    return Page(rows=rows, next_cursor=next_cursor)


def absolute(request: HttpRequest, path: str, **query: object) -> str:
    """An absolute link for `_links`, keeping only the query parameters given."""
    params = {name: value for name, value in query.items() if value not in (None, "")}
    suffix = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri(path) + suffix


def collection(
    request: HttpRequest,
    *,
    relation: str,
    page: Page,
    page_request: PageRequest,
    item: Callable[[Any], dict[str, object]],
    extra_links: dict[str, dict[str, str]] | None = None,
    query: dict[str, object] | None = None,
) -> dict[str, object]:
    """An OSDI collection: `_links` (self, next, one link per item) and `_embedded` items."""
    items: Sequence[dict[str, object]] = [item(row) for row in page.rows]
    base = {"per_page": page_request.per_page, **(query or {})}
    links: dict[str, object] = {"self": {"href": absolute(request, request.path, **base)}}
    if page.next_cursor:
        links["next"] = {"href": absolute(request, request.path, **base, cursor=page.next_cursor)}
    links[relation] = [entry["_links"]["self"] for entry in items if "self" in entry["_links"]]  # type: ignore[index,operator]
    links.update(extra_links or {})
    return {
        "per_page": page_request.per_page,
        "next_cursor": page.next_cursor,
        "_links": links,
        "_embedded": {relation: list(items)},
    }
