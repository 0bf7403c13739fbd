"""An organization's logo: what is accepted, and what of it is published at /media/logos/."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from groundswell.accounts.models import Role
from groundswell.coalitions.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def picture_file(picture: Image.Image, format: str, name: str, **options: object) -> io.BytesIO:
    """`picture` saved as `format`, as a browser sends a file named `name`."""
    upload = io.BytesIO()
    picture.save(upload, format, **options)
    upload.name = name
    upload.seek(0)
    return upload


def red_square(format: str = "PNG", name: str = "logo.png") -> io.BytesIO:
    return picture_file(Image.new("RGB", (8, 8), "red"), format, name)


def upload(client, organization, logo: io.BytesIO, **kwargs: object):
    return client.post(
        reverse("organizer:organization_profile", args=[organization.slug]),
        {"name": organization.name, "website": "", "logo": logo},
        **kwargs,
    )


def stored(organization) -> bytes:
    organization.refresh_from_db()
    with organization.logo.open("rb") as file:
        return file.read()


def test_an_admin_uploads_a_logo_that_appears_on_cosponsored_pages(
    client, campaign, make_org, make_user
):
    partner_org = make_org("Faith Communities United", slug="faith-united")
    Partner.objects.create(campaign=campaign, organization=partner_org, slug="faith-united")
    client.force_login(make_user(partner_org, role=Role.ADMIN))

    client.post(
        reverse("organizer:organization_profile", args=["faith-united"]),
        {
            "name": "Faith Communities United",
            "website": "https://faith.example",
            "logo": red_square(),
        },
    )

    partner_org.refresh_from_db()
    assert partner_org.logo.name.startswith("logos/")
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert partner_org.logo.url in body


def test_a_file_that_is_not_an_image_is_refused(client, host, owner):
    client.force_login(owner)
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "logo.png"

    response = upload(client, host, fake, follow=True)

    assert "Not saved" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_a_logo_with_too_many_pixels_is_refused(client, host, owner):
    """A PNG of one colour compresses a thousandfold: under 1 MB it can hold 170 million pixels,
    which every share picture of the coalition's petitions would decode (gigabytes)."""
    client.force_login(owner)
    huge = picture_file(Image.new("1", (4001, 4000)), "PNG", "logo.png")
    assert len(huge.getvalue()) < 1024 * 1024

    response = upload(client, host, huge, follow=True)

    assert "too many pixels" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_a_logo_is_stored_under_the_name_of_what_it_is(client, host, owner):
    """Logos are served from this site by their file name's type: an image named .pdf (a PNG can
    be a PDF as well) would be served as a document on the platform's own address."""
    client.force_login(owner)

    upload(client, host, red_square(name="logo.pdf"))

    host.refresh_from_db()
    assert host.logo.name.startswith("logos/logo") and host.logo.name.endswith(".png")
    response = client.get(host.logo.url)
    assert response["Content-Type"] == "image/png"


def test_a_logo_is_published_under_a_name_that_says_nothing_of_its_uploader(client, host, owner):
    client.force_login(owner)

    upload(client, host, red_square(name="Jane Doe at the Oakland office.png"))

    host.refresh_from_db()
    assert host.logo.name.startswith("logos/logo") and host.logo.name.endswith(".png")
    assert "Jane" not in host.logo.name and "Oakland" not in host.logo.name


def test_a_logo_in_a_format_browsers_do_not_show_is_refused(client, host, owner):
    client.force_login(owner)

    response = upload(client, host, red_square("TIFF", "logo.tiff"), follow=True)

    assert "PNG, JPEG, GIF or WebP" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def photo_with_its_maker(name: str = "logo.jpg") -> io.BytesIO:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: a latitude
    exif[0x013B] = "Jane Organizer"  # Artist
    return picture_file(Image.new("RGB", (40, 30), "red"), "JPEG", name, exif=exif.tobytes())


def test_a_logo_photo_is_stored_without_its_location_or_camera_data(client, host, owner):
    """A logo is published at /media/logos/: a photo taken for one (a banner at the office) must
    not carry where it was taken, or whose camera took it."""
    client.force_login(owner)

    upload(client, host, photo_with_its_maker())

    kept = stored(host)
    assert host.logo.name.endswith(".jpg")
    assert b"Jane Organizer" not in kept
    with Image.open(io.BytesIO(kept)) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif()
        assert picture.size == (40, 30)


def test_a_gif_logo_keeps_its_transparency_but_not_its_comment(client, host, owner):
    client.force_login(owner)
    picture = Image.new("P", (8, 8), 0)
    picture.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    picture.paste(1, (0, 0, 4, 8))

    gif = picture_file(
        picture, "GIF", "logo.gif", transparency=0, comment=b"made by Jane Organizer at home"
    )

    upload(client, host, gif)

    kept = stored(host)
    assert host.logo.name.endswith(".gif")
    assert b"Jane Organizer" not in kept
    with Image.open(io.BytesIO(kept)) as logo:
        rgba = logo.convert("RGBA")
        assert rgba.getpixel((6, 4))[3] == 0  # the background stays see-through
        assert rgba.getpixel((1, 4)) == (200, 30, 30, 255)


def test_a_png_logo_keeps_its_transparency(client, host, owner):
    client.force_login(owner)
    picture = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (0, 0, 4, 8))

    upload(client, host, picture_file(picture, "PNG", "logo.png"))

    with Image.open(io.BytesIO(stored(host))) as logo:
        rgba = logo.convert("RGBA")
        assert rgba.getpixel((6, 4))[3] == 0
        assert rgba.getpixel((1, 4)) == (200, 30, 30, 255)


def test_a_logo_cut_short_is_refused_not_an_error(client, host, owner):
    """Its header passes Django's check; its pixels end early, so it cannot be re-encoded."""
    client.force_login(owner)
    whole = picture_file(Image.effect_noise((64, 64), 64).convert("RGB"), "JPEG", "whole.jpg")
    image = io.BytesIO(whole.getvalue()[: len(whole.getvalue()) // 2])
    image.name = "logo.jpg"

    response = upload(client, host, image, follow=True)

    assert "Not saved" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_a_logo_uploaded_in_the_django_admin_is_stored_without_its_location(
    client, host, make_user
):
    """The admin's organization page is another way to upload a logo: the same checks apply."""
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:accounts_organization_change", args=[host.pk]),
        {
            "name": host.name, "slug": host.slug, "website": "",
            "logo": photo_with_its_maker(name="logo.pdf"),
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip

    assert b"Jane Organizer" not in stored(host)
    assert host.logo.name.endswith(".jpg")
