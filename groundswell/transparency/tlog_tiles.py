"""C2SP tiled logs (c2sp.org/tlog-tiles): a log as static files, and reading it back with proof.

A log of size s is published as files under its URL prefix:

    checkpoint                       the signed checkpoint (``tlog_checkpoint``), mutable
    tile/<L>/<N>[.p/<W>]             hashes: tile N of level L, W wide if partial
    tile/entries/<N>[.p/<W>]         the entries whose leaf hashes tile/0/<N> holds

<N> is written in three-digit path elements, all but the last prefixed with "x" (1234067 is
x001/x234/067); <W> (1-255) is present only for partial tiles. Tile height is 8: a full tile
holds 256 hashes (8,192 bytes). At level 0 they are leaf hashes; at level L hash i of tile N is the
RFC 6962 hash of the perfect subtree over leaves [(256 N + i) 256^L, (256 N + i + 1) 256^L), i.e.
tree node (8 L, 256 N + i) in ``merkle.NodeStore`` terms. The rightmost tile of each level is
partial, ``floor(s / 256^L) mod 256`` wide, and omitted when that is 0. A full tile never changes;
a partial one is replaced by a wider one as the log grows, so its path names its width.

Entry bundles are the entries one after the other, each behind its length as a big-endian uint16,
nothing else (no count, no trailer); entry i of bundle N hashes to hash i of tile/0/N.

Where C2SP and Go's sumdb (golang.org/x/mod/sumdb/tlog, which C2SP grew out of) differ, this
follows C2SP, because C2SP is what today's tiled logs, witnesses and monitors speak:
- paths: Go writes the tile height into the path (tile/8/0/x001/234) and names record tiles
  tile/8/data/...; C2SP fixes the height at 8 and drops it (tile/0/x001/234, tile/entries/...).
  Go's ``tlog.Tile`` still describes our tiles: height 8, and its Path() minus the "8/" element.
- entries: Go's data tiles hold sumdb's own text records; C2SP's entry bundles are
  uint16-length-prefixed bytes, which is what we write.
- the empty tree: Go's ``tlog.TreeHash`` gives 32 zero bytes for size 0; RFC 6962 and C2SP give
  SHA-256 of the empty string, which we use (``merkle.EMPTY_ROOT``).

Reading: `TileHashReader` answers for the nodes of a tree whose size and root come from a
verified checkpoint, and authenticates every tile before using it (the right edge against the
root, a full tile against its hash in the tile above), as Go's ``tlog.TileHashReader`` does; it is
a ``merkle.NodeStore``, so the usual root and proof functions run on it. `verify_tiles` walks a
whole log and checks every tile, and every entry if asked, against the root: the heart of a
recount.

This module must not import Django.
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from groundswell.transparency.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    LEAF_PREFIX,
    NODE_PREFIX,
    NodeStore,
    ProofError,
    consistency_proof,
    inclusion_proof,
    root_hash,
)

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_SIZE = TILE_WIDTH * HASH_SIZE
MAX_TILE_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF
ENTRIES_LEVEL = "entries"

_sha256 = hashlib.sha256
_INDEX_ELEMENT = re.compile(r"x[0-9]{3}")
_LAST_INDEX_ELEMENT = re.compile(r"[0-9]{3}")
_WIDTH = re.compile(r"[1-9][0-9]*")
_LEVEL = re.compile(r"0|[1-9][0-9]?")


class TileError(ValueError):
    """A tile path, a tile or an entry bundle is not what the spec or the checkpoint says."""


class TileMissingError(TileError):
    """A tile or entry bundle the tree needs is not published."""


class TileMismatchError(TileError, ProofError):
    """Published tiles or entries do not hash to the checkpoint's root: the log is inconsistent."""


@dataclass(frozen=True)
class Tile:
    """Tile ``index`` of ``level`` (level None: an entry bundle), ``width`` hashes or entries."""

    level: int | None
    index: int
    width: int

    def __post_init__(self) -> None:
        if self.level is not None and not 0 <= self.level <= MAX_TILE_LEVEL:
            raise TileError(f"a tile level lies in [0, {MAX_TILE_LEVEL}], got {self.level}")
        if self.index < 0:
            raise TileError(f"a tile index cannot be negative, got {self.index}")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError(f"a tile is 1 to {TILE_WIDTH} wide, got {self.width}")

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def is_entry_bundle(self) -> bool:
        return self.level is None

    @property
    def path(self) -> str:
        level = ENTRIES_LEVEL if self.level is None else str(self.level)
        partial = "" if self.is_full else f".p/{self.width}"
        return f"tile/{level}/{_index_path(self.index)}{partial}"

    @property
    def full_path(self) -> str:
        """The path of the full tile this one is a prefix of (clients fall back to it)."""
        return Tile(self.level, self.index, TILE_WIDTH).path


def _index_path(index: int) -> str:
    elements = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        elements.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(elements))


def parse_tile_path(path: str) -> Tile:
    """Read ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``, in its one spelling."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise TileError(f"not a tile path: {path!r}")
    level_text, elements = parts[1], parts[2:]
    if level_text == ENTRIES_LEVEL:
        level = None
    elif _LEVEL.fullmatch(level_text) and int(level_text) <= MAX_TILE_LEVEL:
        level = int(level_text)
    else:
        raise TileError(f"a tile level is 0 to 63 or 'entries', got {level_text!r} in {path!r}")
    width = TILE_WIDTH
    if len(elements) >= 2 and elements[-2].endswith(".p"):
        if not _WIDTH.fullmatch(elements[-1]) or int(elements[-1]) >= TILE_WIDTH:
            raise TileError(f"a partial tile's width is 1 to 255, in {path!r}")
        width = int(elements[-1])
        elements = [*elements[:-2], elements[-2][: -len(".p")]]
    *leading, last = elements
    if not _LAST_INDEX_ELEMENT.fullmatch(last) or not all(
        _INDEX_ELEMENT.fullmatch(element) for element in leading
    ):
        raise TileError(f"a tile index is written as x123/x456/789, in {path!r}")
    index = 0
    for element in elements:
        index = index * 1000 + int(element.lstrip("x"))
    tile = Tile(level, index, width)
    if tile.path != path:
        # Leading x000 elements would give a second path for the same tile.
        raise TileError(f"{path!r} is not the canonical path of its tile, {tile.path!r}")
    return tile


def tile_width(*, level: int, index: int, tree_size: int) -> int:
    """How many hashes tile ``index`` of ``level`` holds in a tree of ``tree_size`` (0: none)."""
    hashes_at_level = tree_size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, hashes_at_level - index * TILE_WIDTH))


def tree_tiles(tree_size: int) -> list[Tile]:
    """Every hash tile of a tree: all full tiles, and the partial tile of each level, if any."""
    return tiles_to_publish(old_size=0, new_size=tree_size)


def tiles_to_publish(*, old_size: int, new_size: int) -> list[Tile]:
    """The hash tiles a tree of ``new_size`` has that one of ``old_size`` did not.

    That is each tile that became full, and the partial tile of each level at its new width
    (a log serves the partial tiles of every size it signed a checkpoint for).
    """
    _check_sizes(old_size, new_size)
    tiles: list[Tile] = []
    level = 0
    while new_size >> (TILE_HEIGHT * level):
        tiles.extend(_new_tiles_at(level, old_size, new_size))
        level += 1
    return tiles


def entry_bundles_to_publish(*, old_size: int, new_size: int) -> list[Tile]:
    """The entry bundles a log of ``new_size`` entries has that one of ``old_size`` did not."""
    _check_sizes(old_size, new_size)
    return [Tile(None, tile.index, tile.width) for tile in _new_tiles_at(0, old_size, new_size)]


def _new_tiles_at(level: int, old_size: int, new_size: int) -> Iterator[Tile]:
    old_count = old_size >> (TILE_HEIGHT * level)
    new_count = new_size >> (TILE_HEIGHT * level)
    for index in range(old_count // TILE_WIDTH, new_count // TILE_WIDTH):
        yield Tile(level, index, TILE_WIDTH)
    partial_width = new_count % TILE_WIDTH
    if partial_width and new_count > old_count:
        yield Tile(level, new_count // TILE_WIDTH, partial_width)


def _check_sizes(old_size: int, new_size: int) -> None:
    if not 0 <= old_size <= new_size:
        raise ValueError(f"a log grows from size {old_size} to {new_size}? It never shrinks")


def tile_data(store: NodeStore, tile: Tile) -> bytes:
    """A hash tile's contents, read from the nodes of a tree that has all of them."""
    if tile.level is None:
        raise TileError("an entry bundle holds entries, not hashes")
    level = TILE_HEIGHT * tile.level
    first = tile.index * TILE_WIDTH
    return b"".join(store.get(level, first + position) for position in range(tile.width))


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise TileError(f"an entry bundle holds 1 to {TILE_WIDTH} entries, got {len(entries)}")
    parts = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError(f"an entry is at most {MAX_ENTRY_SIZE} bytes, got {len(entry)}")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(entry)
    return b"".join(parts)


def parse_entry_bundle(data: bytes, *, width: int | None = None) -> list[bytes]:
    """The entries of a bundle; ``width`` (when given) is how many it must hold.

    A full bundle fetched for a partial one holds more: pass ``width=None`` and slice.
    """
    entries: list[bytes] = []
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise TileError("the entry bundle ends inside an entry's length")
        length = int.from_bytes(data[position : position + 2], "big")
        position += 2
        if position + length > len(data):
            raise TileError(f"entry {len(entries)} of the bundle is cut short")
        entries.append(data[position : position + length])
        position += length
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise TileError(f"an entry bundle holds 1 to {TILE_WIDTH} entries, got {len(entries)}")
    if width is not None and len(entries) != width:
        raise TileError(f"the entry bundle holds {len(entries)} entries, not {width}")
    return entries


def leaf_hashes(entries: Iterable[bytes]) -> bytes:
    """The concatenated RFC 6962 leaf hashes of entries: a level 0 tile's contents."""
    return b"".join(_sha256(LEAF_PREFIX + entry).digest() for entry in entries)


def subtree_hash(hashes: bytes) -> bytes:
    """The root of the perfect subtree over concatenated hashes (a power of two of them)."""
    count = len(hashes) // HASH_SIZE
    if count == 0 or count & (count - 1) or len(hashes) % HASH_SIZE:
        raise ValueError(f"a perfect subtree has a power of two of hashes, got {count}")
    level = [hashes[i : i + HASH_SIZE] for i in range(0, len(hashes), HASH_SIZE)]
    while len(level) > 1:
        level = [
            _sha256(NODE_PREFIX + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)
        ]
    return level[0]


def right_edge_root(edge: Sequence[bytes]) -> bytes:
    """The root of a tree from its rightmost tiles' contents, ``edge[L]`` for level L.

    The tree's decomposition into perfect subtrees (one per 1-bit of its size, largest first) is
    exactly the 1-bits of each right-edge tile's width, top level first, so the root is those
    subtrees' hashes folded from the right. ``edge[L]`` is empty where the level has no partial
    tile.
    """
    subtrees = []
    for level_hashes in reversed(edge):
        width = len(level_hashes) // HASH_SIZE
        start = 0
        for bit in reversed(range(TILE_HEIGHT)):
            if width >> bit & 1:
                end = start + (1 << bit)
                subtrees.append(subtree_hash(level_hashes[start * HASH_SIZE : end * HASH_SIZE]))
                start = end
    if not subtrees:
        return EMPTY_ROOT
    node = subtrees.pop()
    while subtrees:
        node = _sha256(NODE_PREFIX + subtrees.pop() + node).digest()
    return node


class TileSource(Protocol):
    """Where published tiles are read from: ``read`` raises FileNotFoundError when absent."""

    def read(self, path: str) -> bytes: ...


class MemoryTiles:
    """Tiles in a dict (tests, and a log built in memory before it is written out)."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files: dict[str, bytes] = files if files is not None else {}

    def read(self, path: str) -> bytes:
        try:
            return self.files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    def write(self, path: str, data: bytes) -> None:
        self.files[path] = data


class DirectoryTiles:
    """A log's files in a local directory laid out as its URL space (a mirror, or a test log).

    Writes go through a temporary file and a rename, so a reader never sees half a tile.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, path: str) -> Path:
        if path != "checkpoint":
            parse_tile_path(path)  # refuses "..", absolute paths and anything not a tile
        return self.root / path

    def read(self, path: str) -> bytes:
        return self._path(path).read_bytes()

    def write(self, path: str, data: bytes) -> None:
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class TileSink(Protocol):
    def write(self, path: str, data: bytes) -> None: ...


def publish_tiles(
    sink: TileSink,
    *,
    store: NodeStore,
    entries: Callable[[int, int], Sequence[bytes]],
    old_size: int,
    new_size: int,
) -> list[Tile]:
    """Write the tiles and entry bundles a log gains growing from ``old_size`` to ``new_size``.

    ``store`` holds the tree's nodes (at least up to ``new_size``); ``entries(start, end)``
    returns the entries with indexes [start, end). Write the checkpoint for ``new_size`` only
    after this returns, so that no reader ever sees a checkpoint whose tiles are missing.
    Returns what was written, hash tiles first.
    """
    written = []
    for tile in tiles_to_publish(old_size=old_size, new_size=new_size):
        sink.write(tile.path, tile_data(store, tile))
        written.append(tile)
    for bundle in entry_bundles_to_publish(old_size=old_size, new_size=new_size):
        start = bundle.index * TILE_WIDTH
        sink.write(bundle.path, encode_entry_bundle(entries(start, start + bundle.width)))
        written.append(bundle)
    return written


def read_tile(source: TileSource, tile: Tile) -> bytes:
    """A hash tile's bytes, falling back from a partial tile to the prefix of the full one.

    A log may delete a partial tile once the full one exists (C2SP allows it).
    """
    if tile.level is None:
        raise TileError("read entry bundles with read_entries")
    try:
        data = source.read(tile.path)
    except FileNotFoundError:
        data = _read_full_instead(source, tile)[: tile.width * HASH_SIZE]
    if len(data) != tile.width * HASH_SIZE:
        raise TileError(
            f"{tile.path} is {len(data)} bytes, a tile of {tile.width} hashes is "
            f"{tile.width * HASH_SIZE}"
        )
    return data


def read_entries(source: TileSource, bundle: Tile) -> list[bytes]:
    """The entries of an entry bundle (not yet checked against any hash), with the same fallback."""
    if bundle.level is not None:
        raise TileError("read hash tiles with read_tile")
    try:
        data = source.read(bundle.path)
    except FileNotFoundError:
        return parse_entry_bundle(_read_full_instead(source, bundle), width=TILE_WIDTH)[
            : bundle.width
        ]
    return parse_entry_bundle(data, width=bundle.width)


def _read_full_instead(source: TileSource, tile: Tile) -> bytes:
    if tile.is_full:
        raise TileMissingError(f"{tile.path} is not published")
    try:
        return source.read(tile.full_path)
    except FileNotFoundError:
        raise TileMissingError(f"neither {tile.path} nor {tile.full_path} is published") from None


class TileHashReader:
    """The nodes of the tree of a verified checkpoint, read from tiles and authenticated.

    A NodeStore: ``get(level, index)`` is the hash of the perfect subtree over leaves
    [index 2^level, (index + 1) 2^level), and raises KeyError when the tree has no such complete
    subtree. Every tile is checked before any hash in it is used: the rightmost tile of each
    level by recomputing the root from all of them, any full tile by its hash in the tile above
    (itself checked first). A tile that fails raises TileMismatchError.
    """

    def __init__(self, source: TileSource, *, tree_size: int, root: bytes) -> None:
        if tree_size < 0:
            raise ValueError(f"a tree size cannot be negative, got {tree_size}")
        if len(root) != HASH_SIZE:
            raise ValueError(f"a root hash is {HASH_SIZE} bytes, got {len(root)}")
        self.source = source
        self.tree_size = tree_size
        self.root = root
        self._tiles: dict[tuple[int, int], bytes] = {}
        self._edge_checked = False
        self.tiles_read = 0

    def get(self, level: int, index: int) -> bytes:
        if level < 0 or index < 0 or (index + 1) << level > self.tree_size:
            raise KeyError(f"no complete subtree at level {level}, index {index}")
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        hashes = self.tile(tile_level, first >> TILE_HEIGHT)
        position = first % TILE_WIDTH
        return subtree_hash(hashes[position * HASH_SIZE : (position + (1 << height)) * HASH_SIZE])

    def tile(self, level: int, index: int) -> bytes:
        """The authenticated contents of hash tile ``index`` of ``level`` at this tree size."""
        key = (level, index)
        cached = self._tiles.get(key)
        if cached is not None:
            return cached
        width = tile_width(level=level, index=index, tree_size=self.tree_size)
        if width == 0:
            raise KeyError(f"a tree of size {self.tree_size} has no tile {index} at level {level}")
        if width < TILE_WIDTH:
            self._check_right_edge()
            return self._tiles[key]
        data = self._read(Tile(level, index, width))
        expected = self.tile(level + 1, index >> TILE_HEIGHT)
        position = index % TILE_WIDTH
        if subtree_hash(data) != expected[position * HASH_SIZE : (position + 1) * HASH_SIZE]:
            raise TileMismatchError(
                f"{Tile(level, index, width).path} does not hash to its entry in the tile above: "
                "the published tiles do not belong to this checkpoint's tree"
            )
        self._tiles[key] = data
        return data

    def entries(self, index: int) -> list[bytes]:
        """The entries of bundle ``index``, checked against the authenticated level 0 tile."""
        width = tile_width(level=0, index=index, tree_size=self.tree_size)
        if width == 0:
            raise KeyError(f"a log of size {self.tree_size} has no entry bundle {index}")
        bundle = Tile(None, index, width)
        entries = read_entries(self.source, bundle)
        if leaf_hashes(entries) != self.tile(0, index):
            raise TileMismatchError(
                f"the entries of {bundle.path} do not hash to the leaf hashes of "
                f"{Tile(0, index, width).path}"
            )
        return entries

    def entry(self, index: int) -> bytes:
        if not 0 <= index < self.tree_size:
            raise KeyError(f"entry {index} is outside a log of size {self.tree_size}")
        return self.entries(index // TILE_WIDTH)[index % TILE_WIDTH]

    def root_hash(self) -> bytes:
        """The root recomputed from the tiles (equal to the checkpoint's, or this raises)."""
        self._check_right_edge()
        return root_hash(self, tree_size=self.tree_size)

    def inclusion_proof(self, index: int) -> list[bytes]:
        return inclusion_proof(self, index=index, tree_size=self.tree_size)

    def consistency_proof(self, old_size: int) -> list[bytes]:
        return consistency_proof(self, old_size=old_size, new_size=self.tree_size)

    def _read(self, tile: Tile) -> bytes:
        self.tiles_read += 1
        return read_tile(self.source, tile)

    def _check_right_edge(self) -> None:
        if self._edge_checked:
            return
        edge = []
        level = 0
        while self.tree_size >> (TILE_HEIGHT * level):
            count = self.tree_size >> (TILE_HEIGHT * level)
            width = count % TILE_WIDTH
            edge.append(self._read(Tile(level, count // TILE_WIDTH, width)) if width else b"")
            level += 1
        if right_edge_root(edge) != self.root:
            raise TileMismatchError(
                "the rightmost tiles do not hash to the checkpoint's root: the published tiles "
                "do not belong to this checkpoint's tree"
            )
        for level, data in enumerate(edge):
            if data:
                count = self.tree_size >> (TILE_HEIGHT * level)
                self._tiles[(level, count // TILE_WIDTH)] = data
        self._edge_checked = True


@dataclass(frozen=True)
class TileWalk:
    """What `verify_tiles` read and checked."""

    tree_size: int
    hash_tiles: int
    entry_bundles: int


def verify_tiles(
    source: TileSource,
    *,
    tree_size: int,
    root: bytes,
    on_entries: Callable[[int, list[bytes]], None] | None = None,
) -> TileWalk:
    """Check every hash tile of the tree, and with ``on_entries`` every entry, against the root.

    Reads the level 0 tiles in order and keeps one tile's worth of hashes per level above: the
    hash of each full tile is the next hash of its level's tile being filled, and every tile of
    level 1 and up, once filled (or at the right edge), must equal the published one. With
    ``on_entries``, each entry bundle must hash to its level 0 tile; ``on_entries`` then receives
    (bundle index, entries), in order, before the root is known to match: a caller counting them
    must still wait for this function to return. Finally the right edge must give the root.
    Memory stays at a few tiles whatever the size. Raises TileMismatchError, TileMissingError or
    TileError.
    """
    if tree_size < 0:
        raise ValueError(f"a tree size cannot be negative, got {tree_size}")
    if len(root) != HASH_SIZE:
        raise ValueError(f"a root hash is {HASH_SIZE} bytes, got {len(root)}")
    levels = _UpperLevels(source, tree_size)
    edge_leaf_hashes = b""
    bundle_count = (tree_size + TILE_WIDTH - 1) // TILE_WIDTH
    for index in range(bundle_count):
        width = min(TILE_WIDTH, tree_size - index * TILE_WIDTH)
        tile = Tile(0, index, width)
        data = read_tile(source, tile)
        if on_entries is not None:
            entries = read_entries(source, Tile(None, index, width))
            if leaf_hashes(entries) != data:
                raise TileMismatchError(
                    f"the entries of {Tile(None, index, width).path} do not hash to the leaf "
                    f"hashes of {tile.path}"
                )
            on_entries(index, entries)
        if width == TILE_WIDTH:
            levels.add(1, subtree_hash(data))
        else:
            edge_leaf_hashes = data
    edge = [edge_leaf_hashes, *levels.finish()]
    if right_edge_root(edge) != root:
        raise TileMismatchError(
            "the tiles do not hash to the checkpoint's root: they belong to another tree"
        )
    return TileWalk(
        tree_size=tree_size,
        hash_tiles=bundle_count + levels.tiles_checked,
        entry_bundles=bundle_count if on_entries is not None else 0,
    )


class _UpperLevels:
    """The hash tiles of levels 1 and up being filled while `verify_tiles` walks level 0."""

    def __init__(self, source: TileSource, tree_size: int) -> None:
        self.source = source
        self.tree_size = tree_size
        # pending[L]: the hashes of tile next_index[L] of level L computed so far.
        self.pending: dict[int, list[bytes]] = {}
        self.next_index: dict[int, int] = {}
        self.tiles_checked = 0

    def add(self, level: int, node: bytes) -> None:
        hashes = self.pending.setdefault(level, [])
        hashes.append(node)
        if len(hashes) == TILE_WIDTH:
            data = self._check(level, hashes)
            self.pending[level] = []
            self.next_index[level] = self.next_index.get(level, 0) + 1
            self.add(level + 1, subtree_hash(data))

    def finish(self) -> list[bytes]:
        """Check the partial tile of each level; return their contents, level 1 first."""
        edge = []
        level = 1
        while self.tree_size >> (TILE_HEIGHT * level):
            hashes = self.pending.get(level, [])
            count = self.tree_size >> (TILE_HEIGHT * level)
            if len(hashes) != count % TILE_WIDTH:
                raise AssertionError("bad arithmetic: the walk and the tree size disagree")
            edge.append(self._check(level, hashes) if hashes else b"")
            level += 1
        return edge

    def _check(self, level: int, hashes: list[bytes]) -> bytes:
        tile = Tile(level, self.next_index.get(level, 0), len(hashes))
        data = b"".join(hashes)
        if read_tile(self.source, tile) != data:
            raise TileMismatchError(
                f"{tile.path} does not hold the hashes of the full tiles below it"
            )
        self.tiles_checked += 1
        return data
