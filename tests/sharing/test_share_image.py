"""The link-preview picture: 1200x630, the live count drawn in, redrawn at most every few
minutes, named in the og:image and Twitter card tags."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from groundswell.accounts.models import Organization
from groundswell.campaigns.models import Campaign, CampaignStatus
from groundswell.core import share_images
from groundswell.core.share_images import ShareImage, share_image_render

pytestmark = pytest.mark.django_db


def image_of(client, campaign):
    response = client.get(reverse("campaigns:petition_share_image", args=[campaign.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return response.content


def test_it_is_a_1200_by_630_png(client, campaign):
    picture = Image.open(io.BytesIO(image_of(client, campaign)))

    assert picture.format == "PNG"
    assert picture.size == (1200, 630)


def test_the_count_changes_the_picture_once_the_interval_has_passed(client, campaign, settings):
    settings.SHARE_IMAGE_SECONDS = 0
    before = image_of(client, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=12345)

    after = image_of(client, campaign)

    assert before != after


def test_within_the_interval_a_moving_count_serves_the_stored_picture(client, campaign, settings):
    settings.SHARE_IMAGE_SECONDS = 300
    before = image_of(client, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=12345)

    assert image_of(client, campaign) == before


def test_a_draft_has_no_picture(client, make_campaign):
    draft = make_campaign(status=CampaignStatus.DRAFT)

    response = client.get(reverse("campaigns:petition_share_image", args=[draft.slug]))

    assert response.status_code == 404


def test_long_titles_and_damaged_logos_still_draw():
    png = share_image_render(
        ShareImage(
            title="word " * 80,
            count_line="1 signature",
            subtitle="A petition",
            logos=[b"not a png"],
        )
    )

    assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_a_stored_logo_with_too_many_pixels_is_left_out_undecoded():
    """A logo uploaded before uploads were limited: decoding it would cost gigabytes."""
    huge = io.BytesIO()
    Image.new("1", (4001, 4000)).save(huge, format="PNG")

    def drawn(logo: bytes) -> bytes:
        return share_image_render(
            ShareImage(title="A title", count_line="1 signature", subtitle="", logos=[logo])
        )

    assert drawn(huge.getvalue()) == drawn(b"not a png")


def test_coalition_logos_are_drawn(client, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SHARE_IMAGE_SECONDS = 0
    without = image_of(client, campaign)
    logo = io.BytesIO()
    Image.new("RGB", (100, 100), (0, 0, 255)).save(logo, format="PNG")
    organization = Organization.objects.get(pk=campaign.organization_id)
    organization.logo.save("logo.png", io.BytesIO(logo.getvalue()))
    # Same count: an edit of the campaign (or the next signature) draws the picture again.
    Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now())

    with_logo = Image.open(io.BytesIO(image_of(client, Campaign.objects.get(pk=campaign.pk))))

    assert with_logo.tobytes() != Image.open(io.BytesIO(without)).tobytes()
    assert (0, 0, 255) in {with_logo.getpixel((x, 630 - 64 - 10)) for x in range(64, 200)}


def test_the_petition_page_names_it_in_its_preview_tags(client, campaign):
    html = client.get(campaign.get_absolute_url()).content.decode()

    image = f"http://testserver/p/{campaign.slug}/share.png"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:title" content="{campaign.title}">' in html


def test_a_spanish_reader_gets_the_picture_with_the_translated_title(
    client, campaign, settings, monkeypatch
):
    from tests.campaigns.test_translations import SPANISH, translate

    settings.SHARE_IMAGE_SECONDS = 0
    drawn: list[str] = []
    monkeypatch.setattr(
        share_images, "share_image_render", lambda image: drawn.append(image.title) or b"png"
    )
    url = reverse("campaigns:petition_share_image", args=[campaign.slug])
    client.get(url, **SPANISH)
    translate(campaign)

    client.get(url, **SPANISH)

    assert drawn == [campaign.title, "Cancelen el contrato"]
