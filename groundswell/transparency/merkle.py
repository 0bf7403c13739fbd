"""The append-only Merkle tree of a campaign's transparency log, hashed as in RFC 6962.

Hashes: a leaf is SHA-256(0x00 || entry), an interior node SHA-256(0x01 || left || right), the
empty tree SHA-256(""). The prefixes keep a leaf from ever passing for an interior node.

Every tree size the log ever had stays provable: roots, inclusion proofs and consistency proofs are
computed for any size up to the current one from *complete* subtrees only, which never change once
written. That is what lets a database table of (level, index, hash) rows back the log without any
row being updated.

The proofs are those of RFC 6962 section 2.1 and they are checked with the algorithms of RFC 9162
sections 2.1.3.2 and 2.1.4.2, so any Certificate Transparency verifier accepts them too.
"""

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof does not show what it claims; the message says which check failed."""


def leaf_hash(data: bytes) -> bytes:
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(NODE_PREFIX + left + right).digest()


class NodeStore(Protocol):
    """Read access to the hashes of the complete subtrees of a log.

    Node (level, index) is the hash of the perfect subtree over leaves
    ``[index * 2**level, (index + 1) * 2**level)``; level 0 holds the leaf hashes.

    After n leaves have been appended, node (level, index) exists exactly when
    ``(index + 1) * 2**level <= n``: every leaf, and every parent whose two children both exist.
    No other node is ever stored (a subtree that is still partly empty has no hash of its own),
    and a stored node never changes. Asking for a node that does not exist raises ``KeyError``.
    """

    def get(self, level: int, index: int) -> bytes: ...


class MemoryNodeStore:
    """A NodeStore kept in lists, one per level, that grows as leaves are appended."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def get(self, level: int, index: int) -> bytes:
        # Negative indexes would silently count from the end of a Python list.
        if level < 0 or index < 0 or level >= len(self._levels):
            raise KeyError(f"no complete subtree at level {level}, index {index}")
        nodes = self._levels[level]
        if index >= len(nodes):
            raise KeyError(f"no complete subtree at level {level}, index {index}")
        return nodes[index]

    def append(self, leaf: bytes) -> int:
        """Store a leaf hash and every parent it completes; return the leaf's index.

        Each append completes one parent per trailing 1-bit of the new leaf's index, which averages
        to one parent per leaf.
        """
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf)}")
        levels = self._levels
        leaf_index = len(levels[0])
        levels[0].append(leaf)
        index = leaf_index
        level = 0
        node = leaf
        while index & 1:
            node = _sha256(NODE_PREFIX + levels[level][index - 1] + node).digest()
            level += 1
            index >>= 1
            if level == len(levels):
                levels.append([])
            levels[level].append(node)
        return leaf_index


def merkle_tree_hash(leaf_hashes: Iterable[bytes]) -> bytes:
    """The RFC 6962 root (MTH) of a whole list of leaf hashes."""
    store = MemoryNodeStore()
    for leaf in leaf_hashes:
        store.append(leaf)
    return root_hash(store, tree_size=store.size)


def root_hash(store: NodeStore, *, tree_size: int) -> bytes:
    """The root of the tree made of the first ``tree_size`` leaves of the store."""
    if tree_size < 0:
        raise ValueError(f"tree size cannot be negative, got {tree_size}")
    if tree_size == 0:
        return EMPTY_ROOT
    return _range_hash(store, start=0, end=tree_size)


def inclusion_proof(store: NodeStore, *, index: int, tree_size: int) -> list[bytes]:
    """The RFC 6962 audit path of leaf ``index`` in the tree of size ``tree_size``, leaf first."""
    _check_leaf_index(index=index, tree_size=tree_size)
    return [
        _range_hash(store, start=start, end=end)
        for start, end in _inclusion_ranges(index=index, tree_size=tree_size)
    ]


def consistency_proof(store: NodeStore, *, old_size: int, new_size: int) -> list[bytes]:
    """The RFC 6962 proof that the tree of ``old_size`` leaves is a prefix of ``new_size``."""
    _check_sizes(old_size=old_size, new_size=new_size)
    return [
        _range_hash(store, start=start, end=end)
        for start, end in _consistency_ranges(old_size=old_size, new_size=new_size)
    ]


def verify_inclusion(
    *, leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``tree_size`` with ``root``.

    Raises ProofError when it is not. This is RFC 9162 section 2.1.3.2, after a check that the
    proof has the length a path to that leaf in that tree has, which tells a proof made for
    another leaf or tree size from a damaged one.
    """
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root hash", root)
    if index < 0 or index >= tree_size:
        raise ProofError(f"leaf index {index} is outside a tree of size {tree_size}")
    expected_length = len(_inclusion_ranges(index=index, tree_size=tree_size))
    if len(proof) != expected_length:
        raise ProofError(
            f"an inclusion proof for leaf {index} in a tree of size {tree_size} has "
            f"{expected_length} hashes, this one has {len(proof)}: "
            "it was made for another leaf or another tree size"
        )
    for position, element in enumerate(proof):
        _check_hash(f"proof hash #{position}", element)

    fn = index
    sn = tree_size - 1
    computed = leaf_hash
    for element in proof:
        if sn == 0:
            raise ProofError(f"the inclusion proof is longer than a path in a tree of {tree_size}")
        if fn & 1 or fn == sn:
            computed = node_hash(element, computed)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            computed = node_hash(computed, element)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"the inclusion proof is shorter than a path in a tree of {tree_size}")
    if computed != root:
        raise ProofError(
            f"the inclusion proof for leaf {index} leads to root {computed.hex()}, "
            f"not to the expected root {root.hex()} of the tree of size {tree_size}"
        )


def verify_consistency(
    *, size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``size1`` leaves with ``root1`` is a prefix of ``size2``/``root2``.

    Raises ProofError when it is not. This is RFC 9162 section 2.1.4.2, preceded by the two cases
    the RFC leaves to the caller (equal sizes, an empty old tree) and by a length check.
    """
    _check_hash("old root hash", root1)
    _check_hash("new root hash", root2)
    if size1 < 0 or size2 < 0:
        raise ProofError(f"tree sizes cannot be negative, got {size1} and {size2}")
    if size1 > size2:
        raise ProofError(
            f"the old tree size {size1} is larger than the new tree size {size2}: "
            "a log never shrinks"
        )
    if size1 == 0:
        if proof:
            raise ProofError(
                f"a consistency proof from the empty tree has no hashes, this one has {len(proof)}"
            )
        if root1 != EMPTY_ROOT:
            raise ProofError(
                f"the old root {root1.hex()} is not the root of the empty tree {EMPTY_ROOT.hex()}"
            )
        return
    if size1 == size2:
        if proof:
            raise ProofError(
                f"a consistency proof between two trees of size {size1} has no hashes, "
                f"this one has {len(proof)}"
            )
        if root1 != root2:
            raise ProofError(
                f"two trees of the same size {size1} have different roots {root1.hex()} and "
                f"{root2.hex()}: the log was rewritten"
            )
        return
    expected_length = len(_consistency_ranges(old_size=size1, new_size=size2))
    if len(proof) != expected_length:
        raise ProofError(
            f"a consistency proof from size {size1} to size {size2} has {expected_length} "
            f"hashes, this one has {len(proof)}: it was made for other tree sizes"
        )
    for position, element in enumerate(proof):
        _check_hash(f"proof hash #{position}", element)

    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn = size1 - 1
    sn = size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_computed = new_computed = path[0]
    for element in path[1:]:
        if sn == 0:
            raise ProofError(
                f"the consistency proof is longer than one from size {size1} to size {size2}"
            )
        if fn & 1 or fn == sn:
            old_computed = node_hash(element, old_computed)
            new_computed = node_hash(element, new_computed)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            new_computed = node_hash(new_computed, element)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(
            f"the consistency proof is shorter than one from size {size1} to size {size2}"
        )
    if old_computed != root1:
        raise ProofError(
            f"the consistency proof leads to old root {old_computed.hex()}, not to the expected "
            f"root {root1.hex()} of the tree of size {size1}"
        )
    if new_computed != root2:
        raise ProofError(
            f"the consistency proof leads to new root {new_computed.hex()}, not to the expected "
            f"root {root2.hex()} of the tree of size {size2}"
        )


def _check_hash(name: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"the {name} is {len(value)} bytes long, a SHA-256 hash is {HASH_SIZE}")


def _check_leaf_index(*, index: int, tree_size: int) -> None:
    if index < 0 or index >= tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of size {tree_size}")


def _check_sizes(*, old_size: int, new_size: int) -> None:
    if old_size < 0 or old_size > new_size:
        raise ValueError(f"cannot prove consistency from tree size {old_size} to {new_size}")


def _largest_power_of_two_below(n: int) -> int:
    """The RFC 6962 split point k: the largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _inclusion_ranges(*, index: int, tree_size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose hashes make up the audit path, leaf first.

    Walks RFC 6962's PATH(m, D[n]) from the root down; at each split the range the leaf is not in
    is the next proof element.
    """
    ranges = []
    start, end = 0, tree_size
    while end - start > 1:
        split = start + _largest_power_of_two_below(end - start)
        if index < split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
    ranges.reverse()
    return ranges


def _consistency_ranges(*, old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose hashes make up the consistency proof, deepest first.

    Walks RFC 6962's SUBPROOF(m, D[n], b) from the root down; ``old_tree_is_a_subtree`` is the
    RFC's b: while it holds, the old tree's root is a node the verifier already has.
    """
    ranges: list[tuple[int, int]] = []
    if old_size == 0 or old_size == new_size:
        return ranges
    start, end = 0, new_size
    old_tree_is_a_subtree = True
    while end != old_size:
        split = start + _largest_power_of_two_below(end - start)
        if old_size <= split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
            old_tree_is_a_subtree = False
    if not old_tree_is_a_subtree:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def _range_hash(store: NodeStore, *, start: int, end: int) -> bytes:
    """MTH of leaves [start, end), composed from the complete subtrees that cover the range.

    The range is split along the binary decomposition of its size, largest subtree first; folding
    those hashes from the right is exactly RFC 6962's split at the largest power of two below the
    size. Every range the RFC's recursion produces starts on a multiple of its own covering power
    of two, so each piece is a stored node: O(log n) lookups.
    """
    subtrees = []
    position = start
    remaining = end - start
    while remaining:
        level = remaining.bit_length() - 1
        if position & ((1 << level) - 1):
            raise ValueError(f"leaves [{start}, {end}) are not made of complete subtrees")
        subtrees.append(store.get(level, position >> level))
        position += 1 << level
        remaining -= 1 << level
    node = subtrees.pop()
    while subtrees:
        node = node_hash(subtrees.pop(), node)
    return node
