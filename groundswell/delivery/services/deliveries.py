"""Recording a delivery: when, where and to whom the signatures were handed, with a checkpoint."""

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageOps

from groundswell.accounts.models import User
from groundswell.campaigns.models import Campaign, TimelineKind
from groundswell.campaigns.timeline import timeline_entry_add
from groundswell.delivery.events import DeliveryRecorded, delivery_recorded
from groundswell.delivery.models import Delivery, DeliveryPhoto
from groundswell.transparency.services.log import checkpoint_create

PHOTO_LONGEST_SIDE = 2400
SAVE_FORMATS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "WEBP": ("WEBP", "webp")}


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
    """Sign a checkpoint of the log as it stands, and record the delivery that it goes with."""
    checkpoint = checkpoint_create(campaign=campaign)
    prepared = [photo_without_metadata(photo) for photo in photos]
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
            timeline_entry_add(
                campaign=campaign,
                kind=TimelineKind.DELIVERY,
                key=str(delivery.pk),
                at=delivered_at,
                title=f"{received_by}, {place}",
                url=reverse("delivery:delivery", args=[campaign.slug, delivery.pk]),
            )
        delivery_recorded.publish(
            DeliveryRecorded(delivery_id=delivery.pk, campaign_id=campaign.pk)
        )
    return delivery


def photo_without_metadata(upload: UploadedFile) -> ContentFile:
    """The photo re-encoded from its pixels only: no GPS position, camera serial or comments.

    The pixels are turned upright first, since the orientation tag goes with the rest.
    """
    upload.seek(0)
    with Image.open(upload) as original:
        save_format, extension = SAVE_FORMATS.get(original.format or "", ("JPEG", "jpg"))
        image = ImageOps.exif_transpose(original)
        image.thumbnail((PHOTO_LONGEST_SIDE, PHOTO_LONGEST_SIDE))
        if save_format == "JPEG" and image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        buffer = BytesIO()
        image.save(buffer, format=save_format, quality=85)
    return ContentFile(buffer.getvalue(), name=f"photo.{extension}")
