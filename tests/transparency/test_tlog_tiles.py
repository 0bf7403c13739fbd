"""C2SP tiles: paths, contents against the RFC 6962 tree, reading back with proof, tampering."""

import functools
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.transparency.merkle import (
    EMPTY_ROOT,
    MemoryNodeStore,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from groundswell.transparency.tlog_tiles import (
    FULL_TILE_SIZE,
    TILE_WIDTH,
    DirectoryTiles,
    MemoryTiles,
    Tile,
    TileError,
    TileHashReader,
    TileMismatchError,
    TileMissingError,
    encode_entry_bundle,
    entry_bundles_to_publish,
    parse_entry_bundle,
    parse_tile_path,
    publish_tiles,
    tile_data,
    tiles_to_publish,
    tree_tiles,
    verify_tiles,
)
from tests.transparency.logs import build_log, signature_entries
from tests.transparency.test_merkle import reference_mth

# Past two full levels: 65,536 leaves fill a level 1 tile, so level 2 has a tile too.
LARGEST = 70_000
EDGE_SIZES = [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537, LARGEST]


@functools.cache
def big_log() -> tuple[list[bytes], MemoryNodeStore]:
    entries = signature_entries(LARGEST)
    store = MemoryNodeStore()
    for entry in entries:
        store.append(leaf_hash(entry))
    return entries, store


class GrownLog:
    """The big log as served once it reached LARGEST: every full tile, and the partial tile of
    any narrower width (which a log keeps for the sizes it signed checkpoints for)."""

    def __init__(self) -> None:
        self.entries, self.store = big_log()
        self.reads: list[str] = []

    def read(self, path: str) -> bytes:
        self.reads.append(path)
        tile = parse_tile_path(path)
        first = tile.index * TILE_WIDTH
        if tile.level is None:
            if first + tile.width > LARGEST:
                raise FileNotFoundError(path)
            return encode_entry_bundle(self.entries[first : first + tile.width])
        if first + tile.width > LARGEST >> (8 * tile.level):
            raise FileNotFoundError(path)
        return tile_data(self.store, tile)


def root_at(size: int) -> bytes:
    return root_hash(big_log()[1], tree_size=size)


sizes = st.one_of(st.sampled_from(EDGE_SIZES), st.integers(0, LARGEST))


def test_tile_paths_are_written_in_three_digit_elements() -> None:
    assert Tile(0, 0, 256).path == "tile/0/000"
    assert Tile(0, 1234067, 256).path == "tile/0/x001/x234/067"
    assert Tile(1, 1234067, 5).path == "tile/1/x001/x234/067.p/5"
    assert Tile(2, 1000, 256).path == "tile/2/x001/000"
    assert Tile(None, 7, 3).path == "tile/entries/007.p/3"
    assert Tile(None, 7, 3).full_path == "tile/entries/007"


@pytest.mark.parametrize(
    "tile",
    [Tile(0, 0, 256), Tile(63, 10**12, 1), Tile(None, 999, 255), Tile(None, 1000, 256)],
)
def test_tile_paths_round_trip(tile: Tile) -> None:
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/x000/001",  # a second spelling of tile/0/001
        "tile/0/1",
        "tile/0/0001",
        "tile/0/001/x002",
        "tile/00/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/data/000",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/07",
        "tile/0/000.p",
        "tile/0/000/",
        "tile/0/../000",
        "tile/entries",
        "checkpoint",
        "/tile/0/000",
    ],
)
def test_it_refuses_other_tile_paths(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_the_tiles_of_the_specs_example_tree() -> None:
    # c2sp.org/tlog-tiles: "a tree of size 70,000 will be represented by 273 full level 0 tiles,
    # one partial level 0 tile of width 112, one full level 1 tile, one partial level 1 tile of
    # width 17, and one partial level 2 tile of width 1."
    tiles = tree_tiles(70_000)

    assert [tile for tile in tiles if tile.level == 0 and tile.is_full] == [
        Tile(0, index, 256) for index in range(273)
    ]
    assert [tile for tile in tiles if not (tile.level == 0 and tile.is_full)] == [
        Tile(0, 273, 112), Tile(1, 0, 256), Tile(1, 1, 17), Tile(2, 0, 1)
    ]  # fmt: skip
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile
    # of width 1."
    assert tree_tiles(256) == [Tile(0, 0, 256), Tile(1, 0, 1)]
    assert tree_tiles(0) == []


def test_tile_hashes_are_the_specs_merkle_tree_hashes() -> None:
    # "the n-th tile at level l ... MTH(D[(n * 256 + i) * 256**l : (n * 256 + i + 1) * 256**l])"
    entries, store = big_log()
    level1 = tile_data(store, Tile(1, 0, 256))
    level2 = tile_data(store, Tile(2, 0, 1))

    for i in (0, 1, 200, 255):
        assert level1[32 * i : 32 * (i + 1)] == reference_mth(entries[i * 256 : (i + 1) * 256])
    assert level2 == reference_mth(entries[:65_536])
    assert tile_data(store, Tile(0, 3, 2)) == leaf_hash(entries[768]) + leaf_hash(entries[769])


@settings(deadline=None, max_examples=60)
@given(size=sizes, data=st.data())
def test_reading_the_tiles_gives_the_trees_root_and_proofs(size: int, data: st.DataObject) -> None:
    _, store = big_log()
    root = root_at(size)
    reader = TileHashReader(GrownLog(), tree_size=size, root=root)

    assert reader.root_hash() == root
    if size == 0:
        return
    index = data.draw(st.integers(0, size - 1), label="index")
    old_size = data.draw(st.integers(0, size), label="old_size")
    assert reader.inclusion_proof(index) == inclusion_proof(store, index=index, tree_size=size)
    assert reader.consistency_proof(old_size) == consistency_proof(
        store, old_size=old_size, new_size=size
    )
    verify_inclusion(
        leaf_hash=leaf_hash(reader.entry(index)),
        index=index,
        tree_size=size,
        proof=reader.inclusion_proof(index),
        root=root,
    )
    verify_consistency(
        size1=old_size,
        size2=size,
        root1=root_at(old_size),
        root2=root,
        proof=reader.consistency_proof(old_size),
    )


@settings(deadline=None, max_examples=40)
@given(size=sizes)
def test_walking_every_tile_and_entry_gives_the_root(size: int) -> None:
    source = GrownLog()
    seen: list[bytes] = []

    walk = verify_tiles(
        source,
        tree_size=size,
        root=root_at(size),
        on_entries=lambda index, entries: seen.extend(entries),
    )

    assert seen == big_log()[0][:size]
    assert walk.hash_tiles == len(tree_tiles(size))
    assert walk.entry_bundles == len(entry_bundles_to_publish(old_size=0, new_size=size))
    assert sorted(set(source.reads)) == sorted(
        tile.path
        for tile in [*tree_tiles(size), *entry_bundles_to_publish(old_size=0, new_size=size)]
    )


@settings(deadline=None, max_examples=25)
@given(steps=st.lists(st.integers(1, 700), min_size=1, max_size=6))
def test_a_growing_log_keeps_every_checkpoint_verifiable(steps: list[int]) -> None:
    entries, store = big_log()
    published = MemoryTiles()
    sizes_signed = [0]
    for step in steps:
        old_size, new_size = sizes_signed[-1], sizes_signed[-1] + step
        before = set(published.files)
        written = publish_tiles(
            published,
            store=store,
            entries=lambda start, end: entries[start:end],
            old_size=old_size,
            new_size=new_size,
        )
        # A tile is written once: a full tile never again, a partial one under a new width.
        assert not {tile.path for tile in written} & before
        assert len({tile.path for tile in written}) == len(written)
        sizes_signed.append(new_size)

    final = sizes_signed[-1]
    expected = {tile.path for tile in tree_tiles(final)}
    expected |= {bundle.path for bundle in entry_bundles_to_publish(old_size=0, new_size=final)}
    assert expected <= set(published.files)
    for size in sizes_signed:
        reader = TileHashReader(published, tree_size=size, root=root_at(size))
        assert reader.root_hash() == root_at(size)
        verify_tiles(published, tree_size=size, root=root_at(size), on_entries=lambda *_: None)


@settings(deadline=None, max_examples=30)
@given(size=st.integers(1, 3000), larger=st.integers(0, 3000))
def test_full_tiles_never_change_and_partial_ones_grow_by_appending(size: int, larger: int) -> None:
    _, store = big_log()
    later = {(tile.level, tile.index): tile for tile in tree_tiles(size + larger)}

    for tile in tree_tiles(size):
        then = tile_data(store, tile)
        now = tile_data(store, later[(tile.level, tile.index)])
        if tile.is_full:
            assert now == then
        else:
            assert now.startswith(then)


def test_a_published_log_is_exactly_its_tiles_entries_and_checkpoint() -> None:
    log = build_log(signature_entries(600))

    assert set(log.tiles.files) == {
        "checkpoint",
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/88",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/88",
    }
    assert len(log.tiles.files["tile/0/000"]) == FULL_TILE_SIZE
    assert parse_entry_bundle(log.tiles.files["tile/entries/002.p/88"]) == log.entries[512:]


def test_an_entry_bundle_is_uint16_length_prefixed_entries() -> None:
    assert encode_entry_bundle([b"ab", b"", b"c"]) == b"\x00\x02ab\x00\x00\x00\x01c"
    assert parse_entry_bundle(b"\x00\x02ab\x00\x00\x00\x01c", width=3) == [b"ab", b"", b"c"]
    big = b"x" * 0xFFFF
    assert parse_entry_bundle(encode_entry_bundle([big])) == [big]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "1 to 256"),
        (b"\x00", "length"),
        (b"\x00\x03ab", "cut short"),
        (b"\x00\x02ab\x00", "length"),
        (b"\x00\x00" * 257, "1 to 256"),
    ],
)
def test_it_refuses_malformed_entry_bundles(data: bytes, reason: str) -> None:
    with pytest.raises(TileError, match=reason):
        parse_entry_bundle(data)


def test_a_bundle_must_hold_as_many_entries_as_its_path_says() -> None:
    with pytest.raises(TileError, match="not 2"):
        parse_entry_bundle(b"\x00\x01a", width=2)
    with pytest.raises(TileError):
        encode_entry_bundle([b"x" * 0x10000])
    with pytest.raises(TileError):
        encode_entry_bundle([])


def tampered(log_files: dict[str, bytes], path: str, position: int = 0) -> MemoryTiles:
    files = dict(log_files)
    data = bytearray(files[path])
    data[position] ^= 1
    files[path] = bytes(data)
    return MemoryTiles(files)


@pytest.fixture(scope="module")
def log_1000() -> dict[str, bytes]:
    # Three full level 0 tiles, a partial one of 232, a partial level 1 tile of 3.
    return dict(build_log(signature_entries(1000)).tiles.files)


def root_1000() -> bytes:
    return root_at(1000)


@pytest.mark.parametrize("path", ["tile/0/001", "tile/0/003.p/232", "tile/1/000.p/3"])
def test_a_changed_hash_tile_fails_both_readers(log_1000: dict[str, bytes], path: str) -> None:
    source = tampered(log_1000, path, position=40)

    with pytest.raises(TileMismatchError):
        verify_tiles(source, tree_size=1000, root=root_1000())
    reader = TileHashReader(source, tree_size=1000, root=root_1000())
    with pytest.raises(TileMismatchError):
        # Leaf 257 sits in tile/0/001; reading any leaf checks the right edge first.
        reader.get(0, 257)


def test_a_changed_entry_fails_against_its_leaf_hashes(log_1000: dict[str, bytes]) -> None:
    source = tampered(log_1000, "tile/entries/002", position=10)

    with pytest.raises(TileMismatchError, match="entries"):
        verify_tiles(source, tree_size=1000, root=root_1000(), on_entries=lambda *_: None)
    with pytest.raises(TileMismatchError):
        TileHashReader(source, tree_size=1000, root=root_1000()).entry(600)
    # Without entries, the hash tiles alone still check out.
    verify_tiles(source, tree_size=1000, root=root_1000())


def test_tiles_of_another_tree_do_not_pass_for_this_root(log_1000: dict[str, bytes]) -> None:
    other = build_log(signature_entries(1000, start=1)).tiles

    with pytest.raises(TileMismatchError):
        verify_tiles(other, tree_size=1000, root=root_1000())
    with pytest.raises(TileMismatchError):
        TileHashReader(other, tree_size=1000, root=root_1000()).root_hash()


def test_a_missing_tile_is_reported_as_missing(log_1000: dict[str, bytes]) -> None:
    files = dict(log_1000)
    del files["tile/0/002"]

    with pytest.raises(TileMissingError, match="tile/0/002"):
        verify_tiles(MemoryTiles(files), tree_size=1000, root=root_1000())


def test_a_truncated_tile_is_refused(log_1000: dict[str, bytes]) -> None:
    files = dict(log_1000)
    files["tile/0/002"] = files["tile/0/002"][:-1]

    with pytest.raises(TileError, match="bytes"):
        verify_tiles(MemoryTiles(files), tree_size=1000, root=root_1000())


def test_a_deleted_partial_tile_is_read_from_the_full_one() -> None:
    # C2SP lets a log delete partial tiles once the full tile exists.
    entries, store = big_log()
    published = MemoryTiles()
    for old_size, new_size in [(0, 300), (300, 600)]:
        publish_tiles(
            published,
            store=store,
            entries=lambda start, end: entries[start:end],
            old_size=old_size,
            new_size=new_size,
        )
    del published.files["tile/0/001.p/44"]
    del published.files["tile/entries/001.p/44"]

    verify_tiles(published, tree_size=300, root=root_at(300), on_entries=lambda *_: None)
    reader = TileHashReader(published, tree_size=300, root=root_at(300))
    assert reader.entry(299) == entries[299]
    assert reader.root_hash() == root_at(300)


def test_the_empty_log_has_no_tiles_and_the_empty_root() -> None:
    assert verify_tiles(MemoryTiles(), tree_size=0, root=EMPTY_ROOT).hash_tiles == 0
    assert TileHashReader(MemoryTiles(), tree_size=0, root=EMPTY_ROOT).root_hash() == EMPTY_ROOT
    with pytest.raises(TileMismatchError):
        verify_tiles(MemoryTiles(), tree_size=0, root=bytes(32))


def test_the_reader_refuses_nodes_outside_the_tree() -> None:
    reader = TileHashReader(GrownLog(), tree_size=1000, root=root_at(1000))

    with pytest.raises(KeyError):
        reader.get(0, 1000)
    with pytest.raises(KeyError):
        reader.get(10, 0)  # 1024 leaves: not complete in a tree of 1000
    with pytest.raises(ProofError):
        verify_inclusion(
            leaf_hash=leaf_hash(b"not an entry"),
            index=5,
            tree_size=1000,
            proof=reader.inclusion_proof(5),
            root=root_at(1000),
        )


def test_a_directory_holds_the_log_as_its_url_space(tmp_path: Path) -> None:
    log = build_log(signature_entries(300), sink=DirectoryTiles(tmp_path))

    assert (tmp_path / "tile" / "0" / "000").stat().st_size == FULL_TILE_SIZE
    assert (tmp_path / "tile" / "entries" / "001.p" / "44").exists()
    assert (tmp_path / "checkpoint").read_bytes() == log.note
    verify_tiles(DirectoryTiles(tmp_path), tree_size=300, root=log.root, on_entries=lambda *_: None)
    assert not list(tmp_path.rglob(".tmp-*"))
    for path in ["tile/0/../../escape", "../escape", "/etc/passwd"]:
        with pytest.raises(TileError):
            DirectoryTiles(tmp_path).write(path, b"x")


def test_tiles_to_publish_adds_up_to_the_whole_tree() -> None:
    steps = [0, 1, 255, 256, 300, 65_536, 65_600]
    full = set()
    for old_size, new_size in itertools.pairwise(steps):
        full |= {
            tile for tile in tiles_to_publish(old_size=old_size, new_size=new_size) if tile.is_full
        }
    assert full == {tile for tile in tree_tiles(65_600) if tile.is_full}
    with pytest.raises(ValueError, match="shrinks"):
        tiles_to_publish(old_size=10, new_size=9)
