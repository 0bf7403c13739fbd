"""Logos uploaded before they were re-encoded at upload lose, at the upgrade, what the camera
wrote in them and the name they were uploaded under."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image

from groundswell.accounts.models import Organization

BEFORE = [("accounts", "0002_refuse_invisible_and_control_characters")]
AFTER = [("accounts", "0003_logos_without_metadata")]


def photo_with_an_artist() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Jane Organizer"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: a latitude
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "JPEG", exif=exif.tobytes())
    return image.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_logo_stored_as_uploaded_is_re_encoded_and_renamed(host, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_name = default_storage.save(
        "logos/Jane Doe in Oakland.jpg", ContentFile(photo_with_an_artist())
    )
    Organization.objects.filter(pk=host.pk).update(logo=old_name)
    missing = Organization.objects.create(name="Gone", slug="gone", logo="logos/missing.png")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    host.refresh_from_db()
    assert host.logo.name.startswith("logos/logo") and host.logo.name.endswith(".jpg")
    with host.logo.open("rb") as file:
        stored = file.read()
    assert b"Jane Organizer" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert not picture.getexif()
    assert not default_storage.exists(old_name)
    missing.refresh_from_db()
    assert missing.logo.name == "logos/missing.png"
