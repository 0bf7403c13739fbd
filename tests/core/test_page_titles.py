"""Every page's <title> is "<what the page is> · <what it belongs to>": the campaign, letter,
event or organization it is about, or Groundswell for a page that belongs to nothing narrower
(a petition, a letter or an event page itself, the site's own pages, errors). So a browser tab
or a bookmark says both, and the back office is told apart by its first part, not by a suffix.

The pages are those of the URLconf walk in test_content_security_policy (its `visits()`).
"""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.core.test_content_security_policy import (  # noqa: F401 (fixtures)
    ANONYMOUS,
    OWNER,
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

pytestmark = pytest.mark.django_db

SEPARATOR = " · "
# The home page is the site itself; the API reference is django-ninja's page.
TITLED_OTHERWISE = {"campaigns:home", "api-v1:openapi-view"}


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, "no <title>"
    return found.group(1).strip()


def test_every_page_is_titled_by_what_it_is_and_what_it_belongs_to(world):  # noqa: F811
    belongs_to = {
        "Groundswell",
        world["campaign"].title,
        world["letter"].title,
        world["event"].title,
        world["campaign"].organization.name,
    }
    clients = {ANONYMOUS: Client(), OWNER: Client()}
    clients[OWNER].force_login(world["owner"])
    checked, problems = 0, []
    for name, rows in visits(world).items():
        for visit in rows:
            if visit.method != "get" or name in TITLED_OTHERWISE or name == "logout":
                continue
            response = clients[visit.who].get(visit.path, visit.data)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            if response.streaming or response.status_code in (301, 302):
                continue
            checked += 1
            title = title_of(response.content.decode())
            parts = title.split(SEPARATOR)
            if len(parts) != 2 or parts[1] not in belongs_to:
                problems.append(f"{name} ({visit.path} as {visit.who}): {title!r}")
    assert not problems, "\n".join(problems)
    assert checked > 80
    assert title_of(Client().get(reverse("campaigns:home")).content.decode()) == "Groundswell"


def test_the_server_error_pages_end_in_the_site_name():
    for template in ("500.html", "503.html"):
        assert title_of(render_to_string(template)).endswith(f"{SEPARATOR}Groundswell")
