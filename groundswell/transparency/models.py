"""The transparency log of each campaign and its signed checkpoints.

The log is append-only: `LogEntry` and `LogNode` rows are inserted, never updated (except that a
`LogEntry.signature` link becomes NULL when the signature row is erased) and never deleted while
the campaign exists. `LogHead` is the one row per campaign that appends lock, so appends to one
campaign's log are serial while confirmations never wait for them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.campaigns.models import Campaign
from groundswell.transparency.checkpoints import Checkpoint as CheckpointStatement
from groundswell.transparency.checkpoints import checkpoint_to_json


class LeafKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    TOMBSTONE = "tombstone", _("Tombstone")


class TombstoneReason(models.TextChoices):
    # The values are those the log hashes (groundswell.transparency.commitments.TOMBSTONE_REASONS).
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
    # Every full tile (hashes and entry bundles) covering the first `tiled_size` entries is
    # written to the `transparency_tiles` storage (see services/tiles.py).
    tiled_size = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Moved from the delivery app (issue 13): the table keeps its name.
        db_table = "delivery_loghead"

    def __str__(self) -> str:
        return f"log {self.log_name} ({self.size} leaves)"


class LogEntry(models.Model):
    """One leaf of the log: what it commits to, kept so that proofs and receipts can be served.

    A signature entry keeps copies of the signature's public id and confirmation time and the
    random salt, so a receipt stays checkable (and reportable as withdrawn) after the signature
    row, with its personal data, is gone.
    """

    # No index of its own: one_leaf_per_index (campaign, index) serves it (and an index on the
    # campaign alone misled the planner into reading a whole campaign's leaves for one tile).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="log_entries", db_index=False
    )
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
    # The published version 1 entry (groundswell.transparency.log_entries): what the tiles hold.
    # Its leaf hash is in EntryNode; `leaf_hash` above is today's leaf, in LogNode.
    entry = models.BinaryField(max_length=64, null=True, blank=True)

    class Meta:
        # Moved from the delivery app (issue 13): the table keeps its name.
        db_table = "delivery_logentry"
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
    """A database NodeStore (see groundswell.transparency.merkle.NodeStore): one complete subtree.

    Level 0 holds the leaf hashes. A row is written once, when the subtree becomes complete.
    """

    pk = models.CompositePrimaryKey("campaign", "level", "index")
    # The primary key (campaign, level, index) serves it. With an index on the campaign alone,
    # and statistics older than the log's growth, PostgreSQL read all of a campaign's nodes to
    # find the 256 of one tile (300 ms a tile at 1,000,000 entries).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        # Moved from the delivery app (issue 13): the table keeps its name.
        db_table = "delivery_lognode"

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class EntryNode(models.Model):
    """The tree of the version 1 entries (the tiled log): a NodeStore like LogNode.

    The log keeps two trees over the same indexes (see docs/transparency.md, "Two trees"):
    LogNode over today's leaves, which the JSON proofs of receipts already handed out need, and
    this one over the published entries, which the tiles and C2SP checkpoints are about.
    """

    pk = models.CompositePrimaryKey("campaign", "level", "index")
    # The primary key (campaign, level, index) serves it. With an index on the campaign alone,
    # and statistics older than the log's growth, PostgreSQL read all of a campaign's nodes to
    # find the 256 of one tile (300 ms a tile at 1,000,000 entries).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"entry node {self.level}/{self.index}"


class SignedCheckpoint(models.Model):
    """A C2SP checkpoint of the tiled log: the signed note, with the witnesses' cosignatures.

    `note` is exactly what is served at .../log/checkpoint; the other columns repeat its text
    for queries. Cosignature lines are appended to `note` as witnesses answer.
    """

    # one_signed_checkpoint_per_size (campaign, tree_size) serves it.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="signed_checkpoints", db_index=False
    )
    origin = models.CharField(max_length=255)
    tree_size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    live_count = models.PositiveBigIntegerField()
    timestamp = models.DateTimeField()
    note = models.BinaryField()
    key_name = models.CharField(max_length=255)
    witnessed_by = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "tree_size"], name="one_signed_checkpoint_per_size"
            )
        ]
        ordering = ["tree_size"]
        verbose_name = _("signed checkpoint")
        verbose_name_plural = _("signed checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.origin}@{self.tree_size}"


class Checkpoint(models.Model):
    """A signed statement of the log at one size; the same size is never signed twice."""

    # one_checkpoint_per_size (campaign, tree_size) serves it.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="checkpoints", db_index=False
    )
    log_name = models.CharField(max_length=80)
    tree_size = models.PositiveBigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    live_count = models.PositiveBigIntegerField()
    timestamp = models.DateTimeField()
    signature = models.BinaryField(max_length=68)
    key_id = models.CharField(max_length=8)

    class Meta:
        # Moved from the delivery app (issue 13): the table keeps its name.
        db_table = "delivery_checkpoint"
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
