"""Anti-fabrication sampling: which signatures an auditor checks, chosen by a checkpoint's root.

A log could be filled with commitments to people who never signed. The entries alone cannot show
it, so at delivery the organizer hands an independent auditor the *openings* (public id,
confirmation time, salt, name, e-mail) of a sample of signatures that nobody could choose: the
sample is derived from the root hash of a signed checkpoint, unknown before the checkpoint was
signed and reproducible by anyone after.

The sample of ``n`` from a checkpoint (origin, size s, root r), exactly:

    for counter = 0, 1, 2, ...:
        h = SHA-256("groundswell/audit-sample/v1" || 0x00 || r || uint64(s) || uint64(counter))
        x = the first 8 bytes of h, a big-endian uint64
        if x >= 2^64 - (2^64 mod s): skip (so every index is equally likely)
        i = x mod s
        take i unless it was taken already, or entry i is not a live signature at size s
        (a tombstone, or a signature that a tombstone before s revokes)
    until n indexes are taken or every live signature is; at most 64 (n + s) counters are tried.

The indexes are in the order drawn. A tombstoned index is never opened: that person asked to be
taken out, and their data is gone.

The auditor (`verify_openings`) checks that the openings are exactly the sample of that
checkpoint (same indexes, same order) and that each opening recomputes the commitment of its
entry; then contacts the people. The signed checkpoint comes with the openings, and the entries
come from the published tiles under its root.

This module must not import Django.
"""

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from groundswell.transparency.commitments import canonical_time, parse_time, signature_commitment
from groundswell.transparency.log_entries import SignatureEntry, parse_entry

SAMPLE_TAG = b"groundswell/audit-sample/v1"
SAMPLE_FORMAT = "groundswell-audit-sample/v1"
_RANGE = 1 << 64


def sample_indexes(
    *, root_hash: bytes, tree_size: int, count: int, is_live: Callable[[int], bool]
) -> list[int]:
    """The first ``count`` live signature indexes drawn from the root (see the module's text)."""
    if count < 0:
        raise ValueError(f"a sample size cannot be negative, got {count}")
    if tree_size <= 0 or count == 0:
        return []
    limit = _RANGE - _RANGE % tree_size
    taken: list[int] = []
    seen: set[int] = set()
    for counter in range(64 * (count + tree_size)):
        digest = hashlib.sha256(
            SAMPLE_TAG
            + b"\x00"
            + root_hash
            + tree_size.to_bytes(8, "big")
            + counter.to_bytes(8, "big")
        ).digest()
        x = int.from_bytes(digest[:8], "big")
        if x >= limit:
            continue
        index = x % tree_size
        if index in seen:
            continue
        seen.add(index)
        if is_live(index):
            taken.append(index)
            if len(taken) == count:
                break
        if len(seen) == tree_size:
            break
    return taken


@dataclass(frozen=True)
class Opening:
    """What opens one signature's commitment, and who to contact about it."""

    index: int
    public_id: str
    confirmed_at: datetime
    salt: bytes
    name: str
    email: str

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "public_id": self.public_id,
            "confirmed_at": canonical_time(self.confirmed_at),
            "salt": self.salt.hex(),
            "name": self.name,
            "email": self.email,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "Opening":
        try:
            return cls(
                index=int(str(data["index"])),
                public_id=str(data["public_id"]),
                confirmed_at=parse_time(str(data["confirmed_at"])),
                salt=bytes.fromhex(str(data["salt"])),
                name=str(data["name"]),
                email=str(data["email"]),
            )
        except (KeyError, ValueError) as error:
            raise ValueError(f"an opening is not readable: {error}") from None


class AuditError(Exception):
    """The openings are not the sample of the checkpoint, or do not open its entries."""


def verify_openings(
    openings: Sequence[Opening],
    *,
    log_name: str,
    root_hash: bytes,
    tree_size: int,
    sample_size: int,
    entries: Mapping[int, bytes],
    is_live: Callable[[int], bool],
) -> list[str]:
    """Check openings against the entries of the checkpointed tree; returns a line per opening.

    ``entries`` maps (at least) each sampled index to its entry bytes, already authenticated
    against the root (e.g. read with verify_tiles); ``is_live`` says the same for that tree.
    """
    expected = sample_indexes(
        root_hash=root_hash, tree_size=tree_size, count=sample_size, is_live=is_live
    )
    given = [opening.index for opening in openings]
    if given != expected:
        raise AuditError(
            f"the openings are for entries {given}, but the checkpoint's sample of {sample_size} "
            f"is {expected}"
        )
    lines = []
    for opening in openings:
        entry = parse_entry(entries[opening.index])
        commitment = signature_commitment(
            public_id=opening.public_id,
            campaign_slug=log_name,
            confirmed_at=opening.confirmed_at,
            salt=opening.salt,
        )
        if not isinstance(entry, SignatureEntry) or entry.commitment != commitment:
            raise AuditError(f"the opening of entry {opening.index} does not open its commitment")
        lines.append(
            f"entry {opening.index} opens to {opening.public_id} confirmed "
            f"{canonical_time(opening.confirmed_at)}: contact {opening.name} <{opening.email}>"
        )
    return lines
