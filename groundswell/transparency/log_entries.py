"""The entries of a campaign's log as published in tiles: format version 1, and the live count.

An entry says nothing about a person. It is one of two binary strings, with every integer
big-endian:

    signature entry (35 bytes)
        0x01                    format version
        0x01                    kind: signature
        channel[1]              how it was collected: 0x01 online, 0x02 on paper (typed in by
                                the organizer), 0x03 through a partner's tool (the API)
        commitment[32]          the signature's salted commitment

    tombstone entry (43 bytes)
        0x01                    format version
        0x02                    kind: tombstone
        revoked index[8]        uint64: the index of the signature entry it takes out of the count
        reason[1]               0x01 withdrawn by the signer, 0x02 erased at the signer's
                                request, 0x03 invalidated as fraud
        commitment[32]          the commitment of the signature entry it revokes, repeated

The leaf hash of an entry is RFC 6962's: SHA-256(0x00 || entry). An entry bundle
(``tile/entries/...``) holds the entries as they are, each behind its uint16 length.

The commitment is the one today's log already makes (``groundswell.transparency.commitments``):

    commitment = SHA-256(field("groundswell/signature-commitment/v1") field(campaign slug)
                         field(public id) field(confirmed at) field(salt))

with field(x) = uint32 length of x || x, times as ``2025-03-01T12:00:00.000000Z`` and a 16-byte
random salt. Only the signer's receipt (and the operator) holds what opens it; the entry alone
reveals neither who signed nor when.

A tombstone repeats the revoked commitment so that anyone can check it takes out the signature it
says it does, and a signer holding a receipt can look for a tombstone by commitment as well as by
index. Unlike today's tombstone leaf, it holds no time of withdrawal and no campaign slug (the
origin names the log).

The first byte is the format version. Today's leaves (``commitments.signature_leaf`` and
``tombstone_leaf``) start with the 4-byte length of their tag, so with 0x00: they can never be
taken for a version 1 entry, nor the reverse.

How the live count is recomputed from the entries of a tree of size n (`LiveCount`), in index
order, refusing the log when any rule is broken (an honest log never breaks one):
- a signature entry counts, unless its commitment already appeared in an earlier signature
  entry (one signature counted twice is exactly the inflation a recount is for);
- a tombstone must revoke an earlier index that holds a signature entry with the same
  commitment and that no earlier tombstone revoked; it takes that signature out of the count.
live count = signature entries - tombstones.

Today's logs, and what turning them into version 1 needs: a signature leaf today is
field("groundswell/signature-leaf/v1") || field(commitment), so its commitment is the same; a
tombstone leaf today is field(tag) field(campaign slug) field(revoked index) field(reason text)
field(time), which maps to a version 1 tombstone with the reason code of its text and the
revoked entry's commitment. Every value needed is kept in `LogEntry` (public id, confirmation
time and salt for signatures; revoked index and reason for tombstones) and `LogHead.log_name`.
The bytes differ, so leaf hashes, roots and every existing checkpoint differ: the migration
rebuilds each campaign's tree from its `LogEntry` rows in index order, as version 1 entries at the
same indexes (so a receipt's leaf index and commitment stay valid), into new node rows beside
the old ones, which stay to serve the JSON proofs of checkpoints already handed out. Publishing
today's leaves as they are would keep the trees but publish each withdrawal's time to the
microsecond and a second entry format forever.

This module must not import Django.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from groundswell.transparency.merkle import HASH_SIZE, leaf_hash

ENTRY_FORMAT_VERSION = 0x01
COMMITMENT_SIZE = HASH_SIZE
SIGNATURE_ENTRY_SIZE = 3 + COMMITMENT_SIZE
TOMBSTONE_ENTRY_SIZE = 2 + 8 + 1 + COMMITMENT_SIZE
MAX_INDEX = 2**64 - 1


class EntryKind(enum.IntEnum):
    SIGNATURE = 0x01
    TOMBSTONE = 0x02


class Channel(enum.IntEnum):
    """How a signature was collected; published so that a reader can count each channel."""

    ONLINE = 0x01
    PAPER = 0x02
    PARTNER_TOOL = 0x03


class TombstoneReason(enum.IntEnum):
    # The names are the reason texts of today's tombstones (commitments.TOMBSTONE_REASONS).
    WITHDRAWN = 0x01
    ERASED = 0x02
    INVALIDATED = 0x03


# Today's reason texts (commitments.TOMBSTONE_REASONS, TombstoneReason in models) to their codes.
ENTRY_REASONS: dict[str, TombstoneReason] = {
    reason.name.lower(): reason for reason in TombstoneReason
}


class EntryError(ValueError):
    """Bytes that are not a version 1 log entry."""


class RecountError(ValueError):
    """The entries break a rule of the log: the count they claim cannot be trusted."""


@dataclass(frozen=True)
class SignatureEntry:
    commitment: bytes
    channel: Channel = Channel.ONLINE

    def __post_init__(self) -> None:
        _check_commitment(self.commitment)
        if not isinstance(self.channel, Channel):
            raise EntryError(f"a signature's channel is a Channel, got {self.channel!r}")

    def to_bytes(self) -> bytes:
        return bytes([ENTRY_FORMAT_VERSION, EntryKind.SIGNATURE, self.channel]) + self.commitment


@dataclass(frozen=True)
class TombstoneEntry:
    revoked_index: int
    reason: TombstoneReason
    commitment: bytes

    def __post_init__(self) -> None:
        if not 0 <= self.revoked_index <= MAX_INDEX:
            raise EntryError(f"a revoked index lies in [0, 2^64 - 1], got {self.revoked_index}")
        if not isinstance(self.reason, TombstoneReason):
            raise EntryError(f"a tombstone reason is a TombstoneReason, got {self.reason!r}")
        _check_commitment(self.commitment)

    def to_bytes(self) -> bytes:
        return (
            bytes([ENTRY_FORMAT_VERSION, EntryKind.TOMBSTONE])
            + self.revoked_index.to_bytes(8, "big")
            + bytes([self.reason])
            + self.commitment
        )


Entry = SignatureEntry | TombstoneEntry


def _check_commitment(commitment: bytes) -> None:
    if len(commitment) != COMMITMENT_SIZE:
        raise EntryError(f"a commitment is {COMMITMENT_SIZE} bytes, got {len(commitment)}")


def parse_entry(data: bytes) -> Entry:
    """Read a version 1 entry; anything else, including trailing bytes, is an EntryError."""
    if len(data) < 2:
        raise EntryError(f"an entry has at least a version and a kind byte, got {len(data)} bytes")
    if data[0] != ENTRY_FORMAT_VERSION:
        raise EntryError(f"unknown entry format version {data[0]:#04x}; this reads 0x01")
    kind = data[1]
    if kind == EntryKind.SIGNATURE:
        if len(data) != SIGNATURE_ENTRY_SIZE:
            raise EntryError(f"a signature entry is {SIGNATURE_ENTRY_SIZE} bytes, got {len(data)}")
        try:
            channel = Channel(data[2])
        except ValueError:
            raise EntryError(f"unknown signature channel code {data[2]:#04x}") from None
        return SignatureEntry(data[3:], channel)
    if kind == EntryKind.TOMBSTONE:
        if len(data) != TOMBSTONE_ENTRY_SIZE:
            raise EntryError(f"a tombstone entry is {TOMBSTONE_ENTRY_SIZE} bytes, got {len(data)}")
        try:
            reason = TombstoneReason(data[10])
        except ValueError:
            raise EntryError(f"unknown tombstone reason code {data[10]:#04x}") from None
        return TombstoneEntry(int.from_bytes(data[2:10], "big"), reason, data[11:])
    raise EntryError(f"unknown entry kind {kind:#04x}")


def entry_leaf_hash(entry: Entry) -> bytes:
    return leaf_hash(entry.to_bytes())


class LiveCount:
    """The live count of a log, fed its entries in index order from index 0.

    A tombstone may revoke any earlier signature, and a repeated commitment may hide anywhere, so
    it keeps every commitment: 32 bytes per entry in one bytearray, and a set of them (about
    100 bytes per signature in CPython: 130 MB in all for a million entries).
    """

    def __init__(self) -> None:
        self.signatures = 0
        self.tombstones = 0
        # Per index: the commitment (zeros for a tombstone), the kind, whether it was revoked.
        self._commitments = bytearray()
        self._kinds = bytearray()
        self._revoked = bytearray()
        self._channels = bytearray()
        self._seen: set[bytes] = set()
        # Live signatures per channel.
        self.live_by_channel: dict[Channel, int] = dict.fromkeys(Channel, 0)

    @property
    def size(self) -> int:
        return len(self._kinds)

    @property
    def live(self) -> int:
        return self.signatures - self.tombstones

    def add(self, data: bytes) -> Entry:
        index = self.size
        try:
            entry = parse_entry(data)
        except EntryError as error:
            raise RecountError(f"entry {index}: {error}") from None
        if isinstance(entry, SignatureEntry):
            if entry.commitment in self._seen:
                earlier = self._find_signature(entry.commitment)
                raise RecountError(
                    f"entry {index} repeats the commitment of signature entry {earlier}: "
                    "one signature would be counted twice"
                )
            self._seen.add(entry.commitment)
            self._commitments += entry.commitment
            self.signatures += 1
            self._channels.append(entry.channel)
            self.live_by_channel[entry.channel] += 1
        else:
            self._check_tombstone(index, entry)
            self._revoked[entry.revoked_index] = 1
            self._commitments += bytes(COMMITMENT_SIZE)
            self.tombstones += 1
            self._channels.append(0)
            self.live_by_channel[Channel(self._channels[entry.revoked_index])] -= 1
        self._kinds.append(entry_kind(entry))
        self._revoked.append(0)
        return entry

    def add_all(self, entries: Iterable[bytes]) -> None:
        for data in entries:
            self.add(data)

    def _check_tombstone(self, index: int, entry: TombstoneEntry) -> None:
        revoked = entry.revoked_index
        if revoked >= index:
            raise RecountError(
                f"tombstone entry {index} revokes entry {revoked}, which does not come before it"
            )
        if self._kinds[revoked] != EntryKind.SIGNATURE:
            raise RecountError(
                f"tombstone entry {index} revokes entry {revoked}, which is not a signature"
            )
        if self._commitment_at(revoked) != entry.commitment:
            raise RecountError(
                f"tombstone entry {index} revokes entry {revoked} but names another commitment"
            )
        if self._revoked[revoked]:
            raise RecountError(
                f"tombstone entry {index} revokes entry {revoked}, which an earlier tombstone "
                "already revoked"
            )

    def _commitment_at(self, index: int) -> bytes:
        return bytes(self._commitments[index * COMMITMENT_SIZE : (index + 1) * COMMITMENT_SIZE])

    def _find_signature(self, commitment: bytes) -> int:
        for index, kind in enumerate(self._kinds):
            if kind == EntryKind.SIGNATURE and self._commitment_at(index) == commitment:
                return index
        raise AssertionError("a seen commitment is in the log")

    def is_live(self, index: int) -> bool:
        """Whether entry ``index`` is a signature that no tombstone so far revokes."""
        if not 0 <= index < self.size:
            raise IndexError(f"entry {index} is outside a log of {self.size} entries")
        return self._kinds[index] == EntryKind.SIGNATURE and not self._revoked[index]


def entry_kind(entry: Entry) -> EntryKind:
    return EntryKind.SIGNATURE if isinstance(entry, SignatureEntry) else EntryKind.TOMBSTONE
