"""Rosa came through a partner's link. She signs on her phone, confirms, and shares: the link she
sends carries her own referral code and keeps the partner's credit; a friend who follows it is
counted as hers. The picture link previews show is 1200x630 and follows the count."""

import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core import mail
from PIL import Image

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign
from groundswell.coalitions.models import Partner
from groundswell.signatures.models import Signature
from tests.e2e.conftest import shot, take_the_time_a_person_would, watch_policy_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign(page, *, name: str, email: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Postal code").fill("10001")
    take_the_time_a_person_would(page)
    page.get_by_role("button", name="Sign").click()
    page.get_by_role("heading", name="Almost done: check your e-mail").wait_for()


def confirm_from_inbox(page) -> None:
    link = re.search(r"(http://\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm my signature").click()
    page.get_by_role("heading", name="Thank you — your signature is confirmed").wait_for()


def test_rosa_shares_a_petition(live_server, phone, campaign, settings):
    settings.GROUNDSWELL_BASE_URL = live_server.url
    organization = Organization.objects.create(name="Migrant Justice Network", slug="mjn-org")
    Partner.objects.create(campaign=campaign, organization=organization, slug="mjn")
    page = phone
    violations = watch_policy_violations(page)
    # Share targets are other sites: the test answers for them, and reads what was asked.
    page.context.route(
        re.compile(r"https://(wa\.me|bsky\.app|twitter\.com|www\.facebook\.com)/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>shared</p>"),
    )

    page.goto(f"{live_server.url}{campaign.get_absolute_url()}?partner=mjn")
    sign(page, name="Rosa Parks", email="rosa@example.org")
    confirm_from_inbox(page)
    shot(page, "confirmed-with-share-buttons-phone")
    rosa = Signature.objects.get(email="rosa@example.org")

    shared = page.get_by_test_id("share-url").input_value()
    assert parse_qs(urlsplit(shared).query) == {"partner": ["mjn"], "r": [rosa.referral_code]}
    with page.expect_popup() as opened:
        page.get_by_test_id("share-whatsapp").click()
    whatsapp = opened.value
    whatsapp.wait_for_load_state()
    text = unquote(parse_qs(urlsplit(whatsapp.url).query)["text"][0])
    assert f"r={rosa.referral_code}" in text and "partner=mjn" in text
    whatsapp.close()
    # No third-party script or frame was loaded by the page itself.
    assert page.locator("script[src^='http']").count() == 0
    assert page.get_by_test_id("brought").inner_text().startswith("Your link has brought 0 people")

    # A friend follows Rosa's link, signs and confirms: Rosa's link brought one person.
    page.goto(shared)
    sign(page, name="Claudette Colvin", email="claudette@example.org")
    confirm_from_inbox(page)
    claudette = Signature.objects.get(email="claudette@example.org")
    assert claudette.referred_by_id == rosa.pk
    assert claudette.partner.slug == "mjn"
    assert violations == []


def test_the_share_image_renders_with_the_count(live_server, phone, campaign, settings, signed):
    settings.SHARE_IMAGE_SECONDS = 0
    signed()
    page = phone
    url = f"{live_server.url}/p/{campaign.slug}/share.png"

    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    assert (
        page.locator('meta[property="og:image"]')
        .get_attribute("content")
        .endswith(f"/p/{campaign.slug}/share.png")
    )
    first = page.request.get(url)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=98765)
    second = page.request.get(url)

    assert first.headers["content-type"] == "image/png"
    pictures = [Image.open(io.BytesIO(response.body())) for response in (first, second)]
    assert [picture.size for picture in pictures] == [(1200, 630), (1200, 630)]
    assert pictures[0].tobytes() != pictures[1].tobytes()
    page.goto(url)
    shot(page, "share-image")
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    page.get_by_role(
        "img", name="Bar chart: 1 signatures confirmed in the last 30 days."
    ).wait_for()
    shot(page, "petition-with-chart-and-share-phone")
