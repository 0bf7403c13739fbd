"""The transparency log's Merkle tree, against RFC 6962's own recursive definitions.

The reference functions below are the RFC's definitions written out as plainly as possible and
share no code with the package, so that a bug in one cannot hide in the other.
"""

import hashlib

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
    merkle_tree_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)


def reference_leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def reference_node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def reference_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_mth(entries: list[bytes]) -> bytes:
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return reference_leaf_hash(entries[0])
    k = reference_split(len(entries))
    return reference_node_hash(reference_mth(entries[:k]), reference_mth(entries[k:]))


def reference_path(m: int, entries: list[bytes]) -> list[bytes]:
    if len(entries) == 1:
        return []
    k = reference_split(len(entries))
    if m < k:
        return [*reference_path(m, entries[:k]), reference_mth(entries[k:])]
    return [*reference_path(m - k, entries[k:]), reference_mth(entries[:k])]


def reference_consistency_proof(m: int, entries: list[bytes]) -> list[bytes]:
    if m == 0:
        return []
    return reference_subproof(m, entries, True)


def reference_subproof(m: int, entries: list[bytes], whole_subtree: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if whole_subtree else [reference_mth(entries)]
    k = reference_split(n)
    if m <= k:
        return [*reference_subproof(m, entries[:k], whole_subtree), reference_mth(entries[k:])]
    return [*reference_subproof(m - k, entries[k:], False), reference_mth(entries[:k])]


MAX_SIZE = 300
ENTRIES = [b"signature entry %d" % number for number in range(MAX_SIZE)]
# One store serves every tree size: the point of the log is that any past size stays provable.
STORE = MemoryNodeStore()
for _entry in ENTRIES:
    STORE.append(leaf_hash(_entry))


def root_of(size: int) -> bytes:
    return reference_mth(ENTRIES[:size])


# The Certificate Transparency test vectors for RFC 6962, as used by its reference implementations.
CT_ENTRIES = [
    bytes.fromhex(text)
    for text in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.fixture
def ct_store() -> MemoryNodeStore:
    store = MemoryNodeStore()
    for entry in CT_ENTRIES:
        store.append(leaf_hash(entry))
    return store


def test_leaf_and_node_hashes_use_the_rfc_6962_prefixes() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT


def test_it_matches_the_certificate_transparency_roots_for_every_size(
    ct_store: MemoryNodeStore,
) -> None:
    for size, expected in enumerate(CT_ROOTS):
        assert root_hash(ct_store, tree_size=size).hex() == expected


def test_it_matches_the_certificate_transparency_inclusion_proofs(
    ct_store: MemoryNodeStore,
) -> None:
    assert [node.hex() for node in inclusion_proof(ct_store, index=0, tree_size=8)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [node.hex() for node in inclusion_proof(ct_store, index=5, tree_size=8)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]


def test_it_matches_the_certificate_transparency_consistency_proofs(
    ct_store: MemoryNodeStore,
) -> None:
    assert [node.hex() for node in consistency_proof(ct_store, old_size=2, new_size=8)] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [node.hex() for node in consistency_proof(ct_store, old_size=6, new_size=8)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]


def test_merkle_tree_hash_of_a_list_is_the_reference_root() -> None:
    for size in [0, 1, 2, 3, 7, 8, 9, 100]:
        assert merkle_tree_hash(leaf_hash(entry) for entry in ENTRIES[:size]) == root_of(size)


def test_the_store_holds_exactly_the_complete_subtrees_its_protocol_promises() -> None:
    store = MemoryNodeStore()
    for size in range(41):
        if size:
            store.append(leaf_hash(ENTRIES[size - 1]))
        for level in range(7):
            for index in range(42):
                first, end = index << level, (index + 1) << level
                if end <= size:
                    assert store.get(level, index) == reference_mth(ENTRIES[first:end])
                else:
                    with pytest.raises(KeyError):
                        store.get(level, index)


def test_the_store_refuses_negative_positions_instead_of_counting_from_the_end() -> None:
    with pytest.raises(KeyError):
        STORE.get(0, -1)
    with pytest.raises(KeyError):
        STORE.get(-1, 0)


def test_the_store_accepts_only_sha256_sized_leaf_hashes() -> None:
    with pytest.raises(ValueError, match=r"a leaf hash is 32 bytes, got 3"):
        MemoryNodeStore().append(b"abc")


@settings(deadline=None)
@given(size=st.integers(min_value=0, max_value=MAX_SIZE))
def test_the_root_of_any_past_size_is_the_reference_root(size: int) -> None:
    assert root_hash(STORE, tree_size=size) == root_of(size)


@st.composite
def sizes_and_leaf(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=MAX_SIZE))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    new_size = draw(st.integers(min_value=1, max_value=MAX_SIZE))
    return draw(st.integers(min_value=1, max_value=new_size)), new_size


@settings(deadline=None)
@given(case=sizes_and_leaf())
def test_an_inclusion_proof_is_the_reference_audit_path_and_verifies(
    case: tuple[int, int],
) -> None:
    size, index = case
    proof = inclusion_proof(STORE, index=index, tree_size=size)
    assert proof == reference_path(index, ENTRIES[:size])
    verify_inclusion(
        leaf_hash=leaf_hash(ENTRIES[index]),
        index=index,
        tree_size=size,
        proof=proof,
        root=root_of(size),
    )


@settings(deadline=None)
@given(case=two_sizes())
def test_a_consistency_proof_is_the_reference_proof_and_verifies(case: tuple[int, int]) -> None:
    old_size, new_size = case
    proof = consistency_proof(STORE, old_size=old_size, new_size=new_size)
    assert proof == reference_consistency_proof(old_size, ENTRIES[:new_size])
    verify_consistency(
        size1=old_size,
        size2=new_size,
        root1=root_of(old_size),
        root2=root_of(new_size),
        proof=proof,
    )


@settings(deadline=None)
@given(case=sizes_and_leaf(), data=st.data())
def test_it_rejects_an_inclusion_proof_with_any_bit_changed(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size, index = case
    proof = inclusion_proof(STORE, index=index, tree_size=size)
    if not proof:
        return
    position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    byte = data.draw(st.integers(min_value=0, max_value=31))
    bit = data.draw(st.integers(min_value=0, max_value=7))
    damaged = list(proof)
    changed = bytearray(damaged[position])
    changed[byte] ^= 1 << bit
    damaged[position] = bytes(changed)
    with pytest.raises(ProofError, match=r"leads to root"):
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[index]),
            index=index,
            tree_size=size,
            proof=damaged,
            root=root_of(size),
        )


@settings(deadline=None)
@given(case=sizes_and_leaf(), other_size=st.integers(min_value=1, max_value=MAX_SIZE))
def test_it_rejects_an_inclusion_proof_checked_against_another_tree_size(
    case: tuple[int, int], other_size: int
) -> None:
    size, index = case
    if other_size == size or index >= other_size:
        return
    proof = inclusion_proof(STORE, index=index, tree_size=size)
    with pytest.raises(ProofError, match=r"another tree size|leads to root"):
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[index]),
            index=index,
            tree_size=other_size,
            proof=proof,
            root=root_of(other_size),
        )


@settings(deadline=None)
@given(case=sizes_and_leaf(), data=st.data())
def test_it_rejects_an_inclusion_proof_checked_for_another_leaf(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size, index = case
    if size == 1:
        return
    other_index = data.draw(
        st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index)
    )
    proof = inclusion_proof(STORE, index=index, tree_size=size)
    with pytest.raises(ProofError, match=r"another leaf|leads to root"):
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[index]),
            index=other_index,
            tree_size=size,
            proof=proof,
            root=root_of(size),
        )


@settings(deadline=None)
@given(case=two_sizes(), data=st.data())
def test_it_rejects_a_consistency_proof_with_any_bit_changed(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old_size, new_size = case
    proof = consistency_proof(STORE, old_size=old_size, new_size=new_size)
    if not proof:
        return
    position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    byte = data.draw(st.integers(min_value=0, max_value=31))
    damaged = list(proof)
    changed = bytearray(damaged[position])
    changed[byte] ^= 0x01
    damaged[position] = bytes(changed)
    with pytest.raises(ProofError, match=r"leads to (old|new) root"):
        verify_consistency(
            size1=old_size,
            size2=new_size,
            root1=root_of(old_size),
            root2=root_of(new_size),
            proof=damaged,
        )


@settings(deadline=None)
@given(case=two_sizes(), other=two_sizes())
def test_it_rejects_a_consistency_proof_checked_against_other_tree_sizes(
    case: tuple[int, int], other: tuple[int, int]
) -> None:
    if case == other or other[0] == other[1]:
        return  # between equal sizes the empty proof is the right one
    proof = consistency_proof(STORE, old_size=case[0], new_size=case[1])
    old_size, new_size = other
    with pytest.raises(ProofError):
        verify_consistency(
            size1=old_size,
            size2=new_size,
            root1=root_of(old_size),
            root2=root_of(new_size),
            proof=proof,
        )


def test_it_rejects_a_proof_for_another_tree_size() -> None:
    proof = inclusion_proof(STORE, index=0, tree_size=2)
    with pytest.raises(ProofError) as raised:
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[0]), index=0, tree_size=8, proof=proof, root=root_of(8)
        )
    assert str(raised.value) == (
        "an inclusion proof for leaf 0 in a tree of size 8 has 3 hashes, this one has 1: "
        "it was made for another leaf or another tree size"
    )


def test_it_rejects_a_proof_for_another_tree_size_even_when_the_path_has_the_same_shape() -> None:
    # Leaf 0 has a path of two hashes in trees of size 3 and 4 alike: only the roots differ.
    proof = inclusion_proof(STORE, index=0, tree_size=3)
    with pytest.raises(ProofError) as raised:
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[0]), index=0, tree_size=4, proof=proof, root=root_of(4)
        )
    assert str(raised.value) == (
        f"the inclusion proof for leaf 0 leads to root {root_of(3).hex()}, "
        f"not to the expected root {root_of(4).hex()} of the tree of size 4"
    )


def test_it_rejects_a_leaf_index_outside_the_tree() -> None:
    with pytest.raises(ProofError, match=r"^leaf index 5 is outside a tree of size 5$"):
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[0]), index=5, tree_size=5, proof=[], root=root_of(5)
        )
    with pytest.raises(ValueError, match=r"^leaf index 5 is outside a tree of size 5$"):
        inclusion_proof(STORE, index=5, tree_size=5)


def test_it_rejects_a_proof_hash_of_the_wrong_length() -> None:
    proof = inclusion_proof(STORE, index=3, tree_size=10)
    proof[1] = proof[1][:31]
    with pytest.raises(
        ProofError, match=r"^the proof hash #1 is 31 bytes long, a SHA-256 hash is 32$"
    ):
        verify_inclusion(
            leaf_hash=leaf_hash(ENTRIES[3]), index=3, tree_size=10, proof=proof, root=root_of(10)
        )


def test_a_single_leaf_tree_needs_no_proof() -> None:
    assert inclusion_proof(STORE, index=0, tree_size=1) == []
    verify_inclusion(
        leaf_hash=leaf_hash(ENTRIES[0]), index=0, tree_size=1, proof=[], root=root_of(1)
    )


def test_it_rejects_a_log_that_was_rewritten_under_an_old_checkpoint() -> None:
    rewritten = MemoryNodeStore()
    for number, entry in enumerate(ENTRIES[:20]):
        rewritten.append(leaf_hash(b"a different entry" if number == 3 else entry))
    proof = consistency_proof(rewritten, old_size=7, new_size=20)
    with pytest.raises(ProofError) as raised:
        verify_consistency(
            size1=7,
            size2=20,
            root1=root_of(7),
            root2=root_hash(rewritten, tree_size=20),
            proof=proof,
        )
    assert str(raised.value).startswith("the consistency proof leads to old root ")
    assert str(raised.value).endswith(
        f"not to the expected root {root_of(7).hex()} of the tree of size 7"
    )


def test_it_rejects_two_different_roots_for_the_same_tree_size() -> None:
    with pytest.raises(ProofError) as raised:
        verify_consistency(size1=5, size2=5, root1=root_of(5), root2=root_of(6), proof=[])
    assert str(raised.value) == (
        f"two trees of the same size 5 have different roots {root_of(5).hex()} and "
        f"{root_of(6).hex()}: the log was rewritten"
    )


def test_it_rejects_an_old_tree_larger_than_the_new_one() -> None:
    with pytest.raises(
        ProofError, match=r"^the old tree size 9 is larger than the new tree size 4"
    ):
        verify_consistency(size1=9, size2=4, root1=root_of(9), root2=root_of(4), proof=[])


def test_it_rejects_a_consistency_proof_for_other_tree_sizes() -> None:
    proof = consistency_proof(STORE, old_size=3, new_size=8)
    with pytest.raises(ProofError) as raised:
        verify_consistency(size1=3, size2=20, root1=root_of(3), root2=root_of(20), proof=proof)
    assert str(raised.value) == (
        "a consistency proof from size 3 to size 20 has 6 hashes, this one has 4: "
        "it was made for other tree sizes"
    )


def test_every_tree_extends_the_empty_tree_and_nothing_else_is_the_empty_tree() -> None:
    assert consistency_proof(STORE, old_size=0, new_size=9) == []
    verify_consistency(size1=0, size2=9, root1=EMPTY_ROOT, root2=root_of(9), proof=[])
    with pytest.raises(ProofError, match=r"is not the root of the empty tree"):
        verify_consistency(size1=0, size2=9, root1=root_of(1), root2=root_of(9), proof=[])


def test_a_tree_is_consistent_with_itself_with_an_empty_proof() -> None:
    assert consistency_proof(STORE, old_size=9, new_size=9) == []
    verify_consistency(size1=9, size2=9, root1=root_of(9), root2=root_of(9), proof=[])
    with pytest.raises(ProofError, match=r"this one has 1$"):
        verify_consistency(size1=9, size2=9, root1=root_of(9), root2=root_of(9), proof=[root_of(1)])


class CountingStore:
    """Stands in for a huge log: any complete subtree exists, and every lookup is counted."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lookups = 0

    def get(self, level: int, index: int) -> bytes:
        assert (index + 1) << level <= self.size, "asked for a subtree that is not complete"
        self.lookups += 1
        return hashlib.sha256(b"%d/%d" % (level, index)).digest()


def test_roots_and_proofs_of_a_million_leaves_take_logarithmically_many_lookups() -> None:
    size = 1_000_003
    bound = 2 * size.bit_length() + 2
    for action in [
        lambda store: root_hash(store, tree_size=size),
        lambda store: root_hash(store, tree_size=size - 1),
        lambda store: inclusion_proof(store, index=0, tree_size=size),
        lambda store: inclusion_proof(store, index=size - 1, tree_size=size),
        lambda store: inclusion_proof(store, index=524_287, tree_size=size),
        lambda store: consistency_proof(store, old_size=1, new_size=size),
        lambda store: consistency_proof(store, old_size=999_999, new_size=size),
        lambda store: consistency_proof(store, old_size=524_289, new_size=size),
    ]:
        store = CountingStore(size)
        action(store)
        assert 0 < store.lookups <= bound
