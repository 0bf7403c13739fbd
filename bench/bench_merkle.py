"""Benchmark of the transparency log's Merkle tree at a million signatures.

Targets from the issue: appending 1,000,000 leaves and computing the root in under 10 s, and an
inclusion proof in under 50 ms. Each figure is printed with its ratio to a baseline measured in the
same run (raw SHA-256 of the same leaf entries), so that results from a slower or faster machine
can still be compared. Exits 1 when a target is missed.

    python bench/bench_merkle.py
"""

import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groundswell.transparency.merkle import (
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

LEAF_COUNT = 1_000_000
ENTRY_SIZE = 64  # about the size of a signature entry: two length-prefixed fields
PROOF_SAMPLES = 1_000
APPEND_TARGET_S = 10.0
PROOF_TARGET_MS = 50.0


def main() -> int:
    generator = random.Random(6962)
    blob = generator.randbytes(LEAF_COUNT * ENTRY_SIZE)
    entries = [blob[start : start + ENTRY_SIZE] for start in range(0, len(blob), ENTRY_SIZE)]

    sha256 = hashlib.sha256
    started = time.perf_counter()
    for entry in entries:
        sha256(entry).digest()
    raw_s = time.perf_counter() - started
    raw_one_ms = raw_s / LEAF_COUNT * 1000
    print(f"raw.sha256_1M_leaves_s {raw_s:.2f} (baseline)")

    store = MemoryNodeStore()
    append = store.append
    started = time.perf_counter()
    for entry in entries:
        append(leaf_hash(entry))
    root = root_hash(store, tree_size=LEAF_COUNT)
    append_s = time.perf_counter() - started
    print(
        f"merkle.append_1M_root_s {append_s:.2f} "
        f"(ratio to raw sha256 of leaves: {append_s / raw_s:.1f}x; target < {APPEND_TARGET_S:g} s)"
    )

    indexes = [generator.randrange(LEAF_COUNT) for _ in range(PROOF_SAMPLES)]
    inclusion_ms = []
    for index in indexes:
        started = time.perf_counter()
        proof = inclusion_proof(store, index=index, tree_size=LEAF_COUNT)
        inclusion_ms.append((time.perf_counter() - started) * 1000)
        verify_inclusion(
            leaf_hash=leaf_hash(entries[index]),
            index=index,
            tree_size=LEAF_COUNT,
            proof=proof,
            root=root,
        )
    _print_latency("merkle.inclusion_proof", inclusion_ms, raw_one_ms, target_ms=PROOF_TARGET_MS)

    old_sizes = [generator.randrange(1, LEAF_COUNT) for _ in range(PROOF_SAMPLES)]
    consistency_ms = []
    for old_size in old_sizes:
        started = time.perf_counter()
        proof = consistency_proof(store, old_size=old_size, new_size=LEAF_COUNT)
        consistency_ms.append((time.perf_counter() - started) * 1000)
        verify_consistency(
            size1=old_size,
            size2=LEAF_COUNT,
            root1=root_hash(store, tree_size=old_size),
            root2=root,
            proof=proof,
        )
    _print_latency("merkle.consistency_proof", consistency_ms, raw_one_ms, target_ms=None)

    verify_ms = []
    for index in indexes:
        proof = inclusion_proof(store, index=index, tree_size=LEAF_COUNT)
        started = time.perf_counter()
        verify_inclusion(
            leaf_hash=leaf_hash(entries[index]),
            index=index,
            tree_size=LEAF_COUNT,
            proof=proof,
            root=root,
        )
        verify_ms.append((time.perf_counter() - started) * 1000)
    _print_latency("merkle.verify_inclusion", verify_ms, raw_one_ms, target_ms=None)

    missed = append_s >= APPEND_TARGET_S or _percentile(inclusion_ms, 99) >= PROOF_TARGET_MS
    if missed:
        print("merkle: a target was missed", file=sys.stderr)
    return 1 if missed else 0


def _percentile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def _print_latency(
    name: str, samples_ms: list[float], raw_one_ms: float, *, target_ms: float | None
) -> None:
    target = f"; target < {target_ms:g} ms" if target_ms is not None else ""
    for percent in (50, 99):
        value = _percentile(samples_ms, percent)
        print(
            f"{name}_p{percent}_ms {value:.3f} "
            f"(ratio to raw sha256 of one leaf: {value / raw_one_ms:.0f}x{target})"
        )


if __name__ == "__main__":
    sys.exit(main())
