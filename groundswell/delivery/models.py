"""Deliveries of a campaign's signatures to its target, and the packages handed over."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import Campaign
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.transparency.models import Checkpoint


class Delivery(models.Model):
    """The moment the signatures were handed to the target, with the checkpoint made then."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    delivered_at = models.DateTimeField(_("delivered at"))
    place = models.CharField(_("place"), max_length=200, validators=[single_line_text])
    received_by = models.CharField(_("received by"), max_length=200, validators=[single_line_text])
    notes = models.TextField(_("notes"), max_length=5000, blank=True, validators=[multi_line_text])
    is_public = models.BooleanField(_("show on the public petition page"), default=True)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="deliveries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at"]
        indexes = [models.Index(fields=["campaign", "delivered_at"], name="delivery_campaign_idx")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"delivery {self.pk} of campaign {self.campaign_id}"


def delivery_photo_path(instance: "DeliveryPhoto", filename: str) -> str:
    """A random name: the uploaded file name may say who took the photo, or where."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{DeliveryPhoto.PHOTO_FOLDER}/{secrets.token_hex(16)}.{extension}"


class DeliveryPhoto(models.Model):
    # Under MEDIA_ROOT, served to anyone at /media/ (config.urls).
    PHOTO_FOLDER = "deliveries/photos"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=delivery_photo_path)
    caption = models.CharField(
        _("caption"), max_length=200, blank=True, validators=[single_line_text]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} of delivery {self.delivery_id}"


class PackageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    # Its files were deleted because a signer listed in them withdrew or was removed.
    DISCARDED = "discarded", _("Deleted after a withdrawal")


# A builder refreshes a package's heartbeat while it works: one whose heartbeat is older than this
# lost its builder, and the package may be claimed again.
PACKAGE_CLAIM_TIMEOUT = timedelta(minutes=10)
ACTIVE_PACKAGE_STATUSES = frozenset({PackageStatus.QUEUED, PackageStatus.RUNNING})
FINISHED_PACKAGE_STATUSES = frozenset(
    {PackageStatus.DONE, PackageStatus.FAILED, PackageStatus.DISCARDED}
)


class PackageFile(models.TextChoices):
    """The files of a built package, by the name used in download URLs."""

    PDF = "pdf", _("PDF")
    CSV = "csv", _("CSV")
    MANIFEST = "manifest", _("Manifest (JSON)")
    ZIP = "zip", _("Everything (ZIP)")


class DeliveryPackage(models.Model):
    """The PDF, CSV and manifest handed to the target, built by a background task.

    Files are written under MEDIA_ROOT/deliveries/packages/<directory>/, with a random directory
    name, and downloaded only through the organizer view that checks the member's role. They are
    deleted, and the package DISCARDED, when a signature they list is erased
    (`delivery_copies_of_signature_discard`).
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="delivery_packages"
    )
    status = models.CharField(
        max_length=16, choices=PackageStatus.choices, default=PackageStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    cover_letter = models.TextField(
        _("cover letter"), max_length=10000, blank=True, validators=[multi_line_text]
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, null=True, blank=True, related_name="packages"
    )
    signature_count = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    directory = models.CharField(max_length=64, blank=True)
    pdf_name = models.CharField(max_length=200, blank=True)
    csv_name = models.CharField(max_length=200, blank=True)
    manifest_name = models.CharField(max_length=200, blank=True)
    zip_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a builder claims the package and refreshed as it progresses; a builder that has
    # not refreshed it for a while is presumed dead and its package is claimed again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception class only: a message could quote a signer's name.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two organizers pressing "build" at once get the same package.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_package_per_campaign",
            )
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="package_status_idx")]
        verbose_name = _("delivery package")
        verbose_name_plural = _("delivery packages")

    def __str__(self) -> str:
        return f"delivery package {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PACKAGE_STATUSES

    def file_name(self, file: str) -> str:
        names: dict[str, str] = {
            PackageFile.PDF: self.pdf_name,
            PackageFile.CSV: self.csv_name,
            PackageFile.MANIFEST: self.manifest_name,
            PackageFile.ZIP: self.zip_name,
        }
        return names.get(file, "")
