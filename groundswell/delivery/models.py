"""The transparency log of each campaign, its signed checkpoints, deliveries and their packages.

The log is append-only: `LogEntry` and `LogNode` rows are inserted, never updated (except that a
`LogEntry.signature` link becomes NULL when the signature row is erased) and never deleted while
the campaign exists. `LogHead` is the one row per campaign that appends lock, so appends to one
campaign's log are serial while confirmations never wait for them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import Campaign
from groundswell.core.text import multi_line_text, single_line_text
from groundswell.delivery.checkpoints import Checkpoint as CheckpointStatement
from groundswell.delivery.checkpoints import checkpoint_to_json


class LeafKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    TOMBSTONE = "tombstone", _("Tombstone")


class TombstoneReason(models.TextChoices):
    # The values are those the log hashes (groundswell.delivery.commitments.TOMBSTONE_REASONS).
    WITHDRAWN = "withdrawn", _("Withdrawn at the signer's request")
    ERASED = "erased", _("Erased at the signer's request")
    INVALIDATED = "invalidated", _("Invalidated as fraud")


class LogHead(models.Model):
    """The size of a campaign's log; locked with SELECT ... FOR UPDATE by every append.

    `log_name` is the campaign's slug when the log was started. Every leaf, checkpoint and receipt
    of the log names the campaign by it, so that renaming the campaign's web address never
    invalidates a receipt that a signer already holds.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="transparency_log"
    )
    log_name = models.CharField(max_length=80)
    size = models.PositiveBigIntegerField(default=0)
    # Signature leaves minus tombstones, kept in the appending transaction.
    live_count = models.PositiveBigIntegerField(default=0)
    # The latest confirmation time appended, and when the last scan for new leaves began: the
    # next scan starts from the earlier of the two (see transparency_log_extend).
    appended_through = models.DateTimeField(null=True, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"log {self.log_name} ({self.size} leaves)"


class LogEntry(models.Model):
    """One leaf of the log: what it commits to, kept so that proofs and receipts can be served.

    A signature entry keeps copies of the signature's public id and confirmation time and the
    random salt, so a receipt stays checkable (and reportable as withdrawn) after the signature
    row, with its personal data, is gone.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="log_entries")
    index = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16, choices=LeafKind.choices)
    leaf_hash = models.BinaryField(max_length=32)
    appended_at = models.DateTimeField()
    # Signature entries.
    signature = models.OneToOneField(
        "signatures.Signature",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entry",
    )
    public_id = models.CharField(max_length=32, blank=True)
    salt = models.BinaryField(max_length=16, null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Tombstone entries.
    revoked_index = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=TombstoneReason.choices, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "index"], name="one_leaf_per_index"),
            # One tombstone per signature leaf; NULLs (signature entries) do not collide.
            models.UniqueConstraint(
                fields=["campaign", "revoked_index"], name="one_tombstone_per_leaf"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "public_id"], name="log_entry_public_id_idx")]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"{self.kind} leaf {self.index}"


class LogNode(models.Model):
    """A database NodeStore (see groundswell.delivery.merkle.NodeStore): one complete subtree.

    Level 0 holds the leaf hashes. A row is written once, when the subtree becomes complete.
    """

    pk = models.CompositePrimaryKey("campaign", "level", "index")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed statement of the log at one size; the same size is never signed twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checkpoints")
    log_name = models.CharField(max_length=80)
    tree_size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    live_count = models.PositiveBigIntegerField()
    timestamp = models.DateTimeField()
    signature = models.BinaryField(max_length=68)
    key_id = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "tree_size"], name="one_checkpoint_per_size"
            )
        ]
        ordering = ["tree_size"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.log_name}@{self.tree_size}"

    @property
    def statement(self) -> CheckpointStatement:
        return CheckpointStatement(
            campaign=self.log_name,
            tree_size=self.tree_size,
            root_hash=bytes(self.root_hash),
            live_count=self.live_count,
            timestamp=self.timestamp,
        )

    @property
    def root_hash_hex(self) -> str:
        return bytes(self.root_hash).hex()

    def to_json(self) -> dict[str, object]:
        return checkpoint_to_json(self.statement, bytes(self.signature))


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
    return f"deliveries/photos/{secrets.token_hex(16)}.{filename.rsplit('.', 1)[-1].lower()}"


class DeliveryPhoto(models.Model):
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
        return {
            PackageFile.PDF: self.pdf_name,
            PackageFile.CSV: self.csv_name,
            PackageFile.MANIFEST: self.manifest_name,
            PackageFile.ZIP: self.zip_name,
        }.get(file, "")
