"""The organizer's delivery pages (who may do what) and the public delivery pages."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from PIL import Image

from groundswell.accounts.models import Role
from groundswell.campaigns.models import CampaignStatus
from groundswell.delivery import forms as delivery_forms
from groundswell.delivery.models import Delivery, DeliveryPackage, PackageStatus
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.delivery.services.packages import delivery_package_build
from groundswell.organizer.views import delivery as organizer_views
from groundswell.signatures.models import Signature
from groundswell.transparency.checkpoints import load_public_key_pem
from groundswell.transparency.models import Checkpoint, LeafKind, LogEntry
from tests.campaigns.test_translations import SPANISH, translate

pytestmark = pytest.mark.django_db


def url(name: str, campaign, **kwargs) -> str:
    # The public delivery page is the delivery app's; the organizer's pages are the organizer's.
    namespace = "delivery" if name == "delivery" else "organizer"
    return reverse(f"{namespace}:{name}", kwargs={"slug": campaign.slug, **kwargs})


@pytest.fixture
def organizer(make_user, host):
    return make_user(host, role=Role.ORGANIZER, username="organizer")


@pytest.fixture
def built_package(campaign, confirm_many):
    confirm_many(2, show_name=True)
    package = DeliveryPackage.objects.create(campaign=campaign, directory="abc")
    delivery_package_build(package_id=package.pk)
    package.refresh_from_db()
    return package


@pytest.fixture
def delivery(campaign, owner, confirm_many):
    confirm_many(3)
    return delivery_record(
        campaign=campaign,
        user=owner,
        delivered_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
        place="Northwind Cloud HQ, 1 Harbour Street",
        received_by="Head of public affairs",
        notes="Boxes carried by 40 volunteers.\n<b>not bold</b>",
    )


def jpeg(*, gps: bool = False, size: tuple[int, int] = (40, 30), format: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: a latitude
        exif[0x010F] = "PhoneMaker"  # camera make
    image.save(buffer, format=format, exif=exif.tobytes() if gps else b"")
    return buffer.getvalue()


# Who may do what -------------------------------------------------------------------------------

PAGES = [
    # (URL name, method, roles allowed)
    ("delivery_overview", "get", "members"),
    ("delivery_checkpoint_new", "post", "editors"),
    ("delivery_package_new", "post", "editors"),
    ("delivery_package", "get", "members"),
    ("delivery_package_download", "get", "members"),
    ("delivery_new", "get", "editors"),
    ("delivery_new", "post", "editors"),
    ("delivery_withdraw", "get", "personal data"),
    ("delivery_withdraw", "post", "personal data"),
]


def page_url(name: str, campaign, package) -> str:
    if name == "delivery_package":
        return url(name, campaign, package_id=package.pk)
    if name == "delivery_package_download":
        return url(name, campaign, package_id=package.pk, file="pdf")
    return url(name, campaign)


@pytest.mark.parametrize(("name", "method", "allowed"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client, campaign, built_package, name, method, allowed
):
    response = getattr(client, method)(page_url(name, campaign, built_package))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method", "allowed"), PAGES)
def test_it_rejects_outsiders_as_if_the_campaign_did_not_exist(
    client, outsider, campaign, built_package, name, method, allowed
):
    client.force_login(outsider)

    response = getattr(client, method)(page_url(name, campaign, built_package))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "allowed"), PAGES)
def test_viewers_see_figures_and_download_packages_but_change_nothing(
    client, viewer, campaign, built_package, name, method, allowed
):
    client.force_login(viewer)

    response = getattr(client, method)(page_url(name, campaign, built_package))

    assert response.status_code == (200 if allowed == "members" else 403)


@pytest.mark.parametrize(("name", "method", "allowed"), PAGES)
@pytest.mark.parametrize("user_fixture", ["owner", "organizer"])
def test_editors_may_do_everything(
    request, client, campaign, built_package, name, method, allowed, user_fixture
):
    client.force_login(request.getfixturevalue(user_fixture))

    response = getattr(client, method)(page_url(name, campaign, built_package))

    assert response.status_code in {200, 302}


def test_a_package_of_another_campaign_is_not_found(client, owner, campaign, make_campaign):
    other = make_campaign()
    package = DeliveryPackage.objects.create(campaign=other, directory="x")
    client.force_login(owner)

    response = client.get(url("delivery_package", campaign, package_id=package.pk))

    assert response.status_code == 404


def test_the_delivery_pages_are_not_taken_for_campaign_actions(campaign):
    assert resolve(url("delivery_overview", campaign)).func == organizer_views.overview


def test_the_campaign_page_links_to_the_delivery_pages(client, owner, campaign):
    client.force_login(owner)

    body = client.get(reverse("organizer:campaign", args=[campaign.slug])).content.decode()

    assert url("delivery_overview", campaign) in body


def test_the_overview_shows_the_log_and_makes_few_queries(
    client, owner, campaign, built_package, delivery, django_assert_max_num_queries
):
    client.force_login(owner)

    with django_assert_max_num_queries(10):
        response = client.get(url("delivery_overview", campaign))

    body = response.content.decode()
    assert '<strong data-testid="log-live-count">3</strong>' in body  # same signers twice
    assert "Head of public affairs" in body


# Organizer actions -----------------------------------------------------------------------------


def test_an_editor_signs_a_checkpoint_on_demand(client, owner, campaign, confirm_many):
    confirm_many(2)
    client.force_login(owner)

    response = client.post(url("delivery_checkpoint_new", campaign), follow=True)

    checkpoint = Checkpoint.objects.get(campaign=campaign)
    assert (checkpoint.tree_size, checkpoint.live_count) == (2, 2)
    assert "Checkpoint signed: 2 live signatures" in response.content.decode()


def test_an_editor_builds_a_package_and_follows_its_progress(client, owner, campaign, confirm_many):
    confirm_many(3)
    client.force_login(owner)

    response = client.post(url("delivery_package_new", campaign), {"cover_letter": "Dear Dana"})

    package = DeliveryPackage.objects.get(campaign=campaign)
    assert response["Location"] == url("delivery_package", campaign, package_id=package.pk)
    assert package.status == PackageStatus.DONE  # eager: built when the request committed
    assert package.cover_letter == "Dear Dana"
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert url("delivery_package_download", campaign, package_id=package.pk, file="zip") in page


def test_a_package_being_built_refreshes_its_page(client, viewer, campaign):
    package = DeliveryPackage.objects.create(
        campaign=campaign, directory="x", status=PackageStatus.RUNNING, progress=42
    )
    client.force_login(viewer)

    body = client.get(url("delivery_package", campaign, package_id=package.pk)).content.decode()

    assert 'http-equiv="refresh"' in body
    assert "42%" in body


def test_the_files_download_as_attachments(client, viewer, campaign, built_package):
    client.force_login(viewer)

    for file, start in (("pdf", b"%PDF-"), ("csv", b"number,"), ("manifest", b"{"), ("zip", b"PK")):
        response = client.get(
            url("delivery_package_download", campaign, package_id=built_package.pk, file=file)
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(start)


def test_an_unknown_or_unfinished_file_is_not_found(client, viewer, campaign, built_package):
    unfinished = DeliveryPackage.objects.create(campaign=campaign, directory="y")
    client.force_login(viewer)

    for package, file in ((built_package, "passwords"), (unfinished, "pdf")):
        response = client.get(
            url("delivery_package_download", campaign, package_id=package.pk, file=file)
        )
        assert response.status_code == 404


def test_an_editor_records_a_delivery_with_a_photo_stripped_of_its_location(
    client, owner, campaign, confirm_many
):
    confirm_many(4)
    client.force_login(owner)

    response = client.post(
        url("delivery_new", campaign),
        {
            "delivered_at": "2026-03-01T10:30",
            "place": "Northwind Cloud HQ",
            "received_by": "Head of public affairs",
            "notes": "",
            "is_public": "on",
            "photos": [SimpleUploadedFile("IMG_0001 at home.jpg", jpeg(gps=True), "image/jpeg")],
        },
    )

    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.checkpoint.live_count == 4
    photo = delivery.photos.get()
    assert "IMG_0001" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()


def phone_photo() -> bytes:
    """A multi-picture JPEG (MPO), as many phones save a photo: Pillow calls its format MPO."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: a latitude
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(
        buffer,
        format="MPO",
        save_all=True,
        append_images=[Image.new("RGB", (40, 30), (0, 0, 200))],
        exif=exif.tobytes(),
    )
    with Image.open(io.BytesIO(buffer.getvalue())) as check:
        assert check.format == "MPO"
    return buffer.getvalue()


def test_a_phone_photo_in_the_multi_picture_format_is_stored_as_a_plain_jpeg(
    client, owner, campaign, confirm_many
):
    confirm_many(1)
    client.force_login(owner)

    response = client.post(
        url("delivery_new", campaign),
        {
            "delivered_at": "2026-03-01T10:30",
            "place": "Northwind Cloud HQ",
            "received_by": "Head of public affairs",
            "photos": [SimpleUploadedFile("IMG_0002.JPG", phone_photo(), "image/jpeg")],
        },
    )

    assert "not a JPEG" not in response.content.decode()
    assert response.status_code == 302
    photo = Delivery.objects.get().photos.get()
    assert photo.image.name.endswith(".jpg")
    with open(photo.image.path, "rb") as file:
        stored = file.read()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "JPEG"
        assert getattr(picture, "n_frames", 1) == 1
        assert not picture.getexif()
        red, _green, blue = picture.getpixel((20, 15))
        assert red > 150 and blue < 100  # the first picture, not the second


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"not a picture", "text/plain"), "Upload a valid image"),
        (SimpleUploadedFile("anim.gif", jpeg(format="GIF"), "image/gif"), "is not a JPEG, PNG"),
    ],
)
def test_only_photos_are_accepted(client, owner, campaign, upload, message):
    client.force_login(owner)

    response = client.post(
        url("delivery_new", campaign),
        {
            "delivered_at": "2026-03-01T10:30",
            "place": "HQ",
            "received_by": "Reception",
            "photos": [upload],
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_photo_cut_short_is_refused_and_changes_nothing(client, owner, campaign, confirm_many):
    """Its header reads as a JPEG, its pixels end early (an upload interrupted on a phone): a
    clear error on the form, and no delivery, photo or checkpoint made."""
    confirm_many(1)
    client.force_login(owner)
    whole = jpeg(size=(400, 300))

    response = client.post(
        url("delivery_new", campaign),
        {
            "delivered_at": "2026-03-01T10:30",
            "place": "HQ",
            "received_by": "Reception",
            "photos": [SimpleUploadedFile("IMG_0003.JPG", whole[: len(whole) // 2], "image/jpeg")],
        },
    )

    assert response.status_code == 200
    assert "IMG_0003.JPG could not be read" in response.content.decode()
    assert not Delivery.objects.exists()
    assert not Checkpoint.objects.exists()


def test_a_photo_that_cannot_be_read_leaves_no_checkpoint_behind(owner, campaign, confirm_many):
    """Called without the form (a script, the API of tomorrow): the service prepares the
    photos before it signs anything."""
    confirm_many(1)
    whole = jpeg(size=(400, 300))

    with pytest.raises(OSError):
        delivery_record(
            campaign=campaign, user=owner, delivered_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
            place="HQ", received_by="Reception",
            photos=[SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], "image/jpeg")],
        )  # fmt: skip

    assert not Checkpoint.objects.exists()
    assert not Delivery.objects.exists()


def test_photos_over_the_size_limit_are_refused(client, owner, campaign, monkeypatch):
    monkeypatch.setattr(delivery_forms, "PHOTO_MAX_BYTES", 100)
    client.force_login(owner)

    response = client.post(
        url("delivery_new", campaign),
        {
            "delivered_at": "2026-03-01T10:30",
            "place": "HQ",
            "received_by": "Reception",
            "photos": [SimpleUploadedFile("big.jpg", jpeg(size=(400, 400)), "image/jpeg")],
        },
    )

    assert "is larger than" in response.content.decode()
    assert not Delivery.objects.exists()


def test_markup_in_a_delivery_is_refused(client, owner, campaign):
    client.force_login(owner)

    response = client.post(
        url("delivery_new", campaign),
        {"delivered_at": "2026-03-01T10:30", "place": "<script>x</script>", "received_by": "R"},
    )

    assert "Please remove HTML tags" in response.content.decode()


def test_an_editor_withdraws_a_signature_by_email(client, owner, campaign, confirm_many):
    signature = confirm_many(2)[1]
    client.force_login(owner)

    response = client.post(
        url("delivery_withdraw", campaign),
        {"email": "SIGNER1@example.org", "reason": "erased", "confirm": "on"},
    )

    assert response.status_code == 302
    assert not Signature.objects.filter(pk=signature.pk).exists()
    tombstone = LogEntry.objects.get(kind=LeafKind.TOMBSTONE)
    assert (tombstone.revoked_index, tombstone.reason) == (1, "erased")
    campaign.refresh_from_db()
    assert campaign.signature_count == 1


def test_withdrawing_an_unknown_address_says_so(client, owner, campaign, confirm_many):
    confirm_many(1)
    client.force_login(owner)

    response = client.post(
        url("delivery_withdraw", campaign),
        {"email": "nobody@example.org", "reason": "withdrawn", "confirm": "on"},
    )

    assert "No signature of this petition has that e-mail address." in response.content.decode()
    assert Signature.objects.count() == 1


def test_withdrawing_needs_the_confirmation_box(client, owner, campaign, confirm_many):
    confirm_many(1)
    client.force_login(owner)

    client.post(
        url("delivery_withdraw", campaign), {"email": "signer0@example.org", "reason": "erased"}
    )

    assert Signature.objects.count() == 1


# Public pages ----------------------------------------------------------------------------------


def test_a_delivery_has_a_public_page_with_its_checkpoint(client, campaign, delivery):
    response = client.get(url("delivery", campaign, delivery_id=delivery.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Head of public affairs" in body
    assert '<dd data-testid="checkpoint-live-count">3</dd>' in body
    assert delivery.checkpoint.root_hash_hex in body
    assert (
        reverse("transparency:checkpoint", kwargs={"slug": campaign.slug, "tree_size": 3}) in body
    )
    assert "&lt;b&gt;not bold&lt;/b&gt;" in body


def test_a_spanish_reader_sees_the_petitions_translated_title(client, campaign, delivery):
    translate(campaign)

    body = client.get(url("delivery", campaign, delivery_id=delivery.pk), **SPANISH).content
    body = body.decode()

    assert "Cancelen el contrato" in body
    assert campaign.title not in body


def test_the_petition_page_lists_public_deliveries(
    client, campaign, delivery, django_assert_max_num_queries
):
    # As many as without a delivery (tests/campaigns/test_petition_page.py), and the log's head
    # once there is a checkpoint to show beside the count.
    with django_assert_max_num_queries(10):
        body = client.get(campaign.get_absolute_url()).content.decode()

    assert url("delivery", campaign, delivery_id=delivery.pk) in body
    assert "3 signatures delivered to Head of public affairs" in body


def test_private_deliveries_are_not_published(client, campaign, delivery):
    Delivery.objects.filter(pk=delivery.pk).update(is_public=False)

    page = client.get(url("delivery", campaign, delivery_id=delivery.pk))
    petition = client.get(campaign.get_absolute_url()).content.decode()

    assert page.status_code == 404
    assert url("delivery", campaign, delivery_id=delivery.pk) not in petition


def test_deliveries_of_a_draft_are_not_published(client, campaign, delivery):
    campaign.status = CampaignStatus.DRAFT
    campaign.save()

    response = client.get(url("delivery", campaign, delivery_id=delivery.pk))

    assert response.status_code == 404


def test_the_public_key_is_published_at_a_well_known_address(client):
    response = client.get("/.well-known/groundswell/checkpoint-key.pem")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    load_public_key_pem(response.content)
