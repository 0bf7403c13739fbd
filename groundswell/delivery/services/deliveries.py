"""Recording a delivery: when, where and to whom the signatures were handed, with a checkpoint.

A recorded delivery is corrected or taken down in the admin only; its public copies follow: its
step on the campaign's timeline (which repeats `received_by` and `place`) and its photos' files,
which /media/ serves to anyone for as long as they exist."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groundswell.accounts.models import User
from groundswell.campaigns.models import Campaign, TimelineKind
from groundswell.campaigns.timeline import (
    timeline_entry_add,
    timeline_entry_remove,
    timeline_entry_update,
)
from groundswell.core.image_uploads import image_without_metadata
from groundswell.delivery.events import DeliveryRecorded, delivery_recorded
from groundswell.delivery.models import Delivery, DeliveryPhoto
from groundswell.transparency.services.log import checkpoint_create

PHOTO_LONGEST_SIDE = 2400


def delivery_record(
    *,
    campaign: Campaign,
    user: User,
    delivered_at: datetime,
    place: str,
    received_by: str,
    notes: str = "",
    is_public: bool = True,
    photos: Sequence[UploadedFile] = (),
) -> Delivery:
    """Sign a checkpoint of the log as it stands, and record the delivery that it goes with.

    The photos are prepared first: one that cannot be read (OSError, ValueError) leaves nothing
    signed or stored."""
    prepared = [
        image_without_metadata(photo, name="photo", longest_side=PHOTO_LONGEST_SIDE)
        for photo in photos
    ]
    checkpoint = checkpoint_create(campaign=campaign)
    with transaction.atomic():
        delivery = Delivery.objects.create(
            campaign=campaign,
            delivered_at=delivered_at,
            place=place,
            received_by=received_by,
            notes=notes,
            is_public=is_public,
            checkpoint=checkpoint,
            created_by=user,
        )
        for position, content in enumerate(prepared):
            photo = DeliveryPhoto(delivery=delivery, position=position)
            photo.image.save(content.name, content, save=False)
            photo.save()
        if is_public:
            _timeline_entry_add(delivery)
        delivery_recorded.publish(
            DeliveryRecorded(delivery_id=delivery.pk, campaign_id=campaign.pk)
        )
    return delivery


def _timeline_title(delivery: Delivery) -> str:
    return f"{delivery.received_by}, {delivery.place}"


def _timeline_entry_add(delivery: Delivery) -> None:
    timeline_entry_add(
        campaign=delivery.campaign,
        kind=TimelineKind.DELIVERY,
        key=str(delivery.pk),
        at=delivery.delivered_at,
        title=_timeline_title(delivery),
        url=reverse("delivery:delivery", args=[delivery.campaign.slug, delivery.pk]),
    )


def delivery_timeline_sync(*, delivery: Delivery) -> None:
    """After an edit: the delivery's public step says what the delivery now says, or goes if the
    delivery is no longer public."""
    if not delivery.is_public:
        timeline_entry_remove(
            campaign=delivery.campaign, kind=TimelineKind.DELIVERY, key=str(delivery.pk)
        )
        return
    _timeline_entry_add(delivery)  # if it was not public before
    timeline_entry_update(
        campaign=delivery.campaign,
        kind=TimelineKind.DELIVERY,
        key=str(delivery.pk),
        at=delivery.delivered_at,
        title=_timeline_title(delivery),
    )


def delivery_delete(*, delivery: Delivery) -> None:
    """Delete a delivery with its photos (their files once this commits) and its public step."""
    with transaction.atomic():
        names = list(delivery.photos.values_list("image", flat=True))
        timeline_entry_remove(
            campaign=delivery.campaign, kind=TimelineKind.DELIVERY, key=str(delivery.pk)
        )
        delivery.delete()
        delivery_photo_files_delete(names=names)


def delivery_photo_files_delete(*, names: Sequence[str]) -> None:
    """Delete the files of photos whose rows are deleted in the current transaction, once it
    commits (a rollback keeps the rows, which still need them)."""
    transaction.on_commit(partial(_files_delete, list(names)))


def _files_delete(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# A photo's file is written before its row commits (delivery_record): the sweep leaves files
# younger than this alone.
PHOTO_FILE_GRACE = timedelta(minutes=10)


def delivery_photo_files_clean(*, now: datetime | None = None) -> int:
    """Delete the photo files that no row names and are older than PHOTO_FILE_GRACE (left by a
    recording rolled back, or an image replaced in the admin); returns how many. Run by the
    sweep."""
    folder = Path(settings.MEDIA_ROOT) / DeliveryPhoto.PHOTO_FOLDER
    if not folder.is_dir():
        return 0
    named = {Path(name).name for name in DeliveryPhoto.objects.values_list("image", flat=True)}
    cutoff = ((now or timezone.now()) - PHOTO_FILE_GRACE).timestamp()
    deleted = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in named and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
