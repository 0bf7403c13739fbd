"""Every page in a real browser: axe-core finds no WCAG 2.1 AA violation on any page, public or
organizer, no page is wider than a 360 px phone, and a screenshot of each at 360 and
1280 px is kept for people to look at (CI keeps them as artifacts).

The pages come from the URLconf walk of tests/core/test_content_security_policy.py (its
`visits()`), so a page is checked here from the day it gets its row there. Pages that walk does
not reach are added to EXTRA_PAGES (a branch adding, say, an RSVP page appends its row).
"""

import re
from typing import Any

import pytest
from django.test import Client

from tests.core.test_content_security_policy import (  # noqa: F401 (fixtures)
    ANONYMOUS,
    OWNER,
    Visit,
    _delivery_isolated,
    checkpoint_key_file,
    confirm_many,
    letter,
    make_event,
    make_letter,
    rsvp_form,
    rsvped,
    sign_letter,
    ticket_token,
    visits,
    world,
)
from tests.e2e.conftest import axe_violations, screenshot_dir, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# Pages outside the URLconf walk: (path, status, who). Extend freely.
EXTRA_PAGES: list[Visit] = [
    Visit("/p/no-such-petition/", 404),
    Visit("/letters/no-such-letter/", 404),
]

# django-ninja's Swagger UI, the API's reference for developers: its own stylesheet, whose
# method badges and links fail colour contrast. Checked for overflow, not by axe (a known gap).
API_REFERENCE = "/api/v1/docs"


def browser_pages(world: dict[str, Any]) -> list[Visit]:  # noqa: F811
    """Every GET visit of the walk that answers an HTML page, and EXTRA_PAGES."""
    pages, seen = [], set()
    clients = {ANONYMOUS: Client(), OWNER: Client()}
    clients[OWNER].force_login(world["owner"])
    for visit in [*(v for rows in visits(world).values() for v in rows), *EXTRA_PAGES]:
        if visit.method != "get" or visit.status not in (200, 400, 404):
            continue
        if (visit.path, visit.who) in seen:
            continue
        response = clients[visit.who].get(visit.path)
        html = response.get("Content-Type", "").startswith("text/html")
        if html and not response.streaming and response.status_code == visit.status:
            seen.add((visit.path, visit.who))
            pages.append(visit)
    return pages


# The elements sticking out to the right of the viewport, innermost last: what to fix.
STICKING_OUT = """() => Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " " +
    Math.round(e.getBoundingClientRect().right) + "px")"""


def name_of(visit: Visit) -> str:
    return f"{visit.who}-" + (re.sub(r"[^a-z0-9]+", "-", visit.path.lower()).strip("-") or "home")


def logged_in(browser: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def test_no_page_overflows_a_phone_and_no_page_has_an_accessibility_violation(
    live_server,
    browser,
    world,  # noqa: F811
    settings,
):
    pages = browser_pages(world)
    settings.GROUNDSWELL_BASE_URL = live_server.url
    assert len(pages) > 40
    contexts = {
        (who, size): logged_in(
            browser, live_server, world["owner"] if who == OWNER else None, viewport
        )
        for who in (ANONYMOUS, OWNER)
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP))
    }
    tabs = {key: context.new_page() for key, context in contexts.items()}
    overflowing, inaccessible = [], []
    for visit in pages:
        phone = tabs[(visit.who, "phone")]
        response = phone.goto(f"{live_server.url}{visit.path}")
        assert response is not None and response.status == visit.status, visit
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = phone.evaluate(STICKING_OUT)
            overflowing.append(f"{visit.path} as {visit.who}: {width} px ({wide})")
        shot(phone, f"{name_of(visit)}-360")
        if not visit.path.startswith(API_REFERENCE):
            inaccessible += [
                f"{visit.path} as {visit.who}: {problem}" for problem in axe_violations(phone)
            ]
        desktop = tabs[(visit.who, "desktop")]
        desktop.goto(f"{live_server.url}{visit.path}")
        shot(desktop, f"{name_of(visit)}-1280")
    for context in contexts.values():
        context.close()
    print(f"screenshots in {screenshot_dir()}")
    assert overflowing == [], "\n".join(overflowing)
    assert inaccessible == [], "\n".join(inaccessible)
