"""A delivery is taken down or corrected in the admin only (someone asked not to be named or
shown): its public copies follow. A photo is public (/media/deliveries/photos/...) and may show
people: once its row is deleted, alone or with its delivery, its file is deleted too, so its
address no longer serves it; files no row names (a recording rolled back, an image replaced in
the admin) are deleted by the sweep. The campaign's public timeline repeats the delivery's
`received_by` and `place`: its step goes with the delivery, and follows an edit."""

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groundswell.accounts.models import User
from groundswell.campaigns.models import TimelineEntry, TimelineKind
from groundswell.delivery.models import DeliveryPhoto
from groundswell.delivery.services.deliveries import delivery_record
from groundswell.delivery.tasks import delivery_sweep
from tests.delivery.test_delivery_pages import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def photographed(campaign, owner, confirm_many):
    confirm_many(2)
    return delivery_record(
        campaign=campaign,
        user=owner,
        delivered_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
        place="Town hall",
        received_by="The mayor's office",
        photos=[
            SimpleUploadedFile(f"photo{number}.jpg", jpeg(), "image/jpeg") for number in range(2)
        ],
    )


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def served(client, photo: DeliveryPhoto) -> bool:
    return client.get(photo.image.url).status_code == 200


def test_deleting_a_delivery_in_the_admin_takes_its_photos_down(
    admin_client, photographed, run_on_commit
):
    photos = list(photographed.photos.all())
    assert all(served(admin_client, photo) for photo in photos)

    with run_on_commit():
        response = admin_client.post(
            reverse("admin:delivery_delivery_delete", args=[photographed.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not any(served(admin_client, photo) for photo in photos)
    assert not any(Path(photo.image.path).exists() for photo in photos)
    assert not TimelineEntry.objects.filter(kind=TimelineKind.DELIVERY).exists()


def change_form(delivery, **changes: str) -> dict[str, str]:
    """The admin's change form of `delivery` as sent with `changes`, its photos kept."""
    data = {
        "delivered_at_0": "2026-03-01",
        "delivered_at_1": "10:30:00",
        "place": delivery.place,
        "received_by": delivery.received_by,
        "notes": "",
        "is_public": "on",
        "photos-TOTAL_FORMS": "2",
        "photos-INITIAL_FORMS": "2",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    for number, photo in enumerate(delivery.photos.all()):
        data.update({
            f"photos-{number}-id": str(photo.pk),
            f"photos-{number}-delivery": str(delivery.pk),
            f"photos-{number}-caption": "",
            f"photos-{number}-position": str(photo.position),
        })  # fmt: skip
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_deleting_one_photo_in_the_admin_takes_it_down(admin_client, photographed, run_on_commit):
    gone, kept = photographed.photos.all()
    change = reverse("admin:delivery_delivery_change", args=[photographed.pk])
    data = change_form(photographed, **{"photos-0-DELETE": "on"})

    with run_on_commit():
        response = admin_client.post(change, data)

    assert response.status_code == 302
    assert list(photographed.photos.all()) == [kept]
    assert not served(admin_client, gone)
    assert served(admin_client, kept)


def test_the_sweep_deletes_photo_files_no_row_names(client, photographed, settings):
    kept = photographed.photos.first()
    folder = Path(settings.MEDIA_ROOT) / "deliveries" / "photos"
    left, uploading = folder / "left-by-a-rollback.jpg", folder / "being-recorded.jpg"
    for path in (left, uploading):
        path.write_bytes(jpeg())
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))

    delivery_sweep()

    assert not left.exists()
    # Its recording may not have committed yet.
    assert uploading.exists()
    assert served(client, kept)


def test_an_edit_in_the_admin_is_followed_by_the_public_timeline(
    admin_client, photographed, run_on_commit
):
    change = reverse("admin:delivery_delivery_change", args=[photographed.pk])
    step = TimelineEntry.objects.get(kind=TimelineKind.DELIVERY)
    assert step.title == "The mayor's office, Town hall"

    admin_client.post(change, change_form(photographed, received_by="The council"))
    step.refresh_from_db()
    assert step.title == "The council, Town hall"

    admin_client.post(change, change_form(photographed, is_public=None))
    assert not TimelineEntry.objects.filter(kind=TimelineKind.DELIVERY).exists()
