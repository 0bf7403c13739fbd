"""Give every existing log its version 1 entries and their tree (EntryNode), beside today's.

Nothing already published changes: today's leaves (LogEntry.leaf_hash), their tree (LogNode) and
the JSON checkpoints (Checkpoint) stay as they were, so every receipt and JSON proof already handed
out still verifies. Each LogEntry gets the version 1 entry at the same index: a signature's
commitment is recomputed from what the row keeps (public id, confirmation time, salt, the log's
name), a tombstone maps its reason text to its code and repeats the revoked signature's
commitment. Signatures collected before channels existed are online (0x01).
"""

from django.db import migrations

from groundswell.transparency.commitments import signature_commitment
from groundswell.transparency.log_entries import (
    ENTRY_REASONS,
    Channel,
    SignatureEntry,
    TombstoneEntry,
)
from groundswell.transparency.merkle import leaf_hash, node_hash

BATCH = 2000


def rebuild_entries(apps, schema_editor):  # type: ignore[no-untyped-def]
    LogHead = apps.get_model("transparency", "LogHead")
    LogEntry = apps.get_model("transparency", "LogEntry")
    EntryNode = apps.get_model("transparency", "EntryNode")
    for head in LogHead.objects.all().iterator():
        EntryNode.objects.filter(campaign_id=head.campaign_id).delete()
        frontier: dict[int, bytes] = {}
        size = 0
        nodes = []
        rows = LogEntry.objects.filter(campaign_id=head.campaign_id).order_by("index")
        changed = []

        def commitment_of(row):  # type: ignore[no-untyped-def]
            return signature_commitment(
                public_id=row.public_id,
                campaign_slug=head.log_name,
                confirmed_at=row.confirmed_at,
                salt=bytes(row.salt),
            )

        for row in rows.iterator(chunk_size=BATCH):
            if row.index != size:
                raise RuntimeError(
                    f"the log of campaign {head.campaign_id} has no leaf at index {size}"
                )
            if row.kind == "signature":
                entry = SignatureEntry(commitment_of(row), Channel.ONLINE).to_bytes()
            else:
                revoked = LogEntry.objects.get(
                    campaign_id=head.campaign_id, index=row.revoked_index
                )
                entry = TombstoneEntry(
                    row.revoked_index, ENTRY_REASONS[row.reason], commitment_of(revoked)
                ).to_bytes()
            row.entry = entry
            changed.append(row)
            # Append the leaf hash, adding each subtree as it becomes complete.
            node, level, index = leaf_hash(entry), 0, size
            nodes.append(EntryNode(campaign_id=head.campaign_id, level=0, index=index, hash=node))
            while index & 1:
                node = node_hash(frontier[level], node)
                level += 1
                index >>= 1
                nodes.append(
                    EntryNode(campaign_id=head.campaign_id, level=level, index=index, hash=node)
                )
            frontier[level] = node
            size += 1
            if len(changed) >= BATCH:
                LogEntry.objects.bulk_update(changed, ["entry"])
                EntryNode.objects.bulk_create(nodes, batch_size=BATCH)
                changed, nodes = [], []
        LogEntry.objects.bulk_update(changed, ["entry"])
        EntryNode.objects.bulk_create(nodes, batch_size=BATCH)
        if size != head.size:
            raise RuntimeError(
                f"the log of campaign {head.campaign_id} has {size} leaves, its head says "
                f"{head.size}"
            )


class Migration(migrations.Migration):
    dependencies = [("transparency", "0002_tiled_log")]

    operations = [migrations.RunPython(rebuild_entries, migrations.RunPython.noop, elidable=True)]
