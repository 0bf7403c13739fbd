"""Mo runs a partner's web site on another origin: the embedded form signs and resizes itself."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from groundswell.coalitions.models import Partner
from groundswell.organizer.views.coalitions import partner_links
from groundswell.signatures.models import Signature
from tests.e2e.conftest import shot, take_the_time_a_person_would, watch_policy_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def serve_page(html: str) -> tuple[ThreadingHTTPServer, str]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_the_embedded_form_works_on_another_origin(
    live_server, browser, campaign, make_org, settings
):
    settings.GROUNDSWELL_BASE_URL = live_server.url
    partner = Partner.objects.create(
        campaign=campaign, organization=make_org("Faith Communities United"), slug="faith-united"
    )
    snippet = partner_links(None, campaign.slug, partner.slug)["embed"]
    server, partner_site = serve_page(
        f"<!doctype html><title>Partner site</title><h1>Our campaign</h1>{snippet}"
    )
    assert not partner_site.startswith(live_server.url)
    page = browser.new_page(viewport={"width": 800, "height": 900})
    violations = watch_policy_violations(page)
    try:
        page.goto(partner_site)
        frame = page.frame_locator("iframe[data-groundswell-embed]")
        frame.get_by_label("Full name").fill("Mo Partner")
        frame.get_by_role("textbox", name="E-mail").fill("mo@example.org")
        frame.get_by_label("Country").select_option("CA")
        frame.get_by_label("Faith Communities United may contact me").check()
        tall = page.locator("iframe").evaluate("frame => frame.getBoundingClientRect().height")

        assert frame.locator("input[name=website]").is_hidden()
        take_the_time_a_person_would(page)
        frame.get_by_role("button", name="Sign").click()
        frame.get_by_role("heading", name="Almost done: check your e-mail").wait_for()
        page.wait_for_function(
            f"document.querySelector('iframe').getBoundingClientRect().height < {tall}"
        )
        shot(page, "partner-embed")
        # The frame's own policy lets the partner's origin frame it; the border and height come
        # from embed.js through the DOM, which no policy forbids.
        assert page.locator("iframe").evaluate(
            "frame => getComputedStyle(frame).borderTopWidth"
        ) == ("0px")
    finally:
        page.close()
        server.shutdown()

    assert violations == []
    signature = Signature.objects.get()
    assert signature.partner == partner
    assert list(signature.consents.values_list("organization__name", flat=True)) == [
        "Faith Communities United"
    ]
