"""The tiled log (c2sp.org/tlog-tiles) of each campaign, from the database and the tile storage.

Full tiles and full entry bundles never change, so they are written once, by the worker, to the
`transparency_tiles` storage (local disk, or an S3-compatible bucket a CDN serves), under
``<log name>/tile/...``. Partial tiles change as the log grows and are computed from the
database (EntryNode, LogEntry.entry) when asked for. Only what the latest signed checkpoint
covers is served: a reader never sees a tile no checkpoint vouches for.
"""

import logging
from typing import cast

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db.models import F

from groundswell.transparency.merkle import HASH_SIZE
from groundswell.transparency.models import EntryNode, LogEntry, LogHead
from groundswell.transparency.tlog_tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    encode_entry_bundle,
    entry_bundles_to_publish,
    tile_width,
    tiles_to_publish,
)

logger = logging.getLogger(__name__)

TILE_STORAGE = "transparency_tiles"


def tile_storage() -> Storage:
    return storages[TILE_STORAGE]


def tile_storage_name(*, log_name: str, tile: Tile) -> str:
    return f"{log_name}/{tile.path}"


def tile_contents(*, campaign_id: int, log_name: str, tile: Tile, tree_size: int) -> bytes | None:
    """A tile's bytes in a tree of ``tree_size`` (a signed size), or None if it has no such tile.

    A partial tile is served at the width it had at any size up to ``tree_size`` (a reader of an
    older checkpoint asks for a narrower one); a full tile once the tree covers it.
    """
    level = 0 if tile.level is None else tile.level
    if tile_width(level=level, index=tile.index, tree_size=tree_size) < tile.width:
        return None
    if tile.is_full:
        storage = tile_storage()
        name = tile_storage_name(log_name=log_name, tile=tile)
        if storage.exists(name):
            with storage.open(name, "rb") as file:
                return bytes(file.read())
    return _tile_from_database(campaign_id=campaign_id, tile=tile)


def _tile_from_database(*, campaign_id: int, tile: Tile) -> bytes:
    if tile.level is None:
        start = tile.index * TILE_WIDTH
        entries = LogEntry.objects.filter(
            campaign_id=campaign_id, index__gte=start, index__lt=start + tile.width
        ).order_by("index")
        return encode_entry_bundle(
            [bytes(cast(bytes, entry)) for entry in entries.values_list("entry", flat=True)]
        )
    # Hash i of tile N at level L is node (8 L, 256 N + i): one range of stored nodes.
    first = tile.index * TILE_WIDTH
    hashes = EntryNode.objects.filter(
        campaign_id=campaign_id,
        level=TILE_HEIGHT * tile.level,
        index__gte=first,
        index__lt=first + tile.width,
    ).order_by("index")
    data = b"".join(bytes(cast(bytes, node)) for node in hashes.values_list("hash", flat=True))
    if len(data) != tile.width * HASH_SIZE:
        raise ValueError(f"the entry tree lacks nodes of {tile.path}")
    return data


def log_tiles_write(*, campaign_id: int) -> int:
    """Write the full tiles and entry bundles the log gained since the last call. Returns how many.

    Safe to run twice at once: a tile already in storage is not written again (same bytes), and
    `tiled_size` only moves forward.
    """
    head = LogHead.objects.filter(pk=campaign_id).first()
    if head is None or head.size == head.tiled_size:
        return 0
    size, old_size = head.size, head.tiled_size
    storage = tile_storage()
    written = 0
    tiles = [
        tile
        for tile in [
            *tiles_to_publish(old_size=old_size, new_size=size),
            *entry_bundles_to_publish(old_size=old_size, new_size=size),
        ]
        if tile.is_full
    ]
    for tile in tiles:
        name = tile_storage_name(log_name=head.log_name, tile=tile)
        if storage.exists(name):
            continue
        data = _tile_from_database(campaign_id=campaign_id, tile=tile)
        storage.save(name, ContentFile(data))
        written += 1
    LogHead.objects.filter(pk=campaign_id, tiled_size__lt=size).update(tiled_size=size)
    if written:
        logger.info("wrote %s full tiles of the log of campaign %s", written, campaign_id)
    return written


def log_tiles_write_all() -> int:
    """The sweep: every log whose full tiles lag behind its size."""
    campaign_ids = LogHead.objects.filter(tiled_size__lt=F("size")).values_list(
        "campaign_id", flat=True
    )
    return sum(log_tiles_write(campaign_id=campaign_id) for campaign_id in campaign_ids)
