"""What a campaign's transparency log records: the byte strings that become its leaves.

Two kinds of entry, each starting with its own versioned tag so that anyone holding the entries can
tell them apart and recompute the count of live signatures:

- a signature entry, which holds only a salted commitment to the signature, so the entries can be
  published without revealing who signed;
- a tombstone entry, which says that an earlier signature leaf no longer counts (withdrawn by the
  signer, erased on request, or invalidated as fraud). Nothing in the log is ever rewritten.

Encoding: a sequence of fields, each a 4-byte big-endian length followed by that many bytes. Text is
UTF-8, numbers are decimal ASCII, times are UTC with microseconds (``2025-03-01T12:00:00.000000Z``).

    signature entry  = field(SIGNATURE_TAG) field(commitment)
    commitment       = SHA-256(field(COMMITMENT_TAG) field(campaign) field(public id)
                               field(confirmed at) field(salt))
    tombstone entry  = field(TOMBSTONE_TAG) field(campaign) field(leaf index) field(reason)
                       field(at)
"""

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Literal

SIGNATURE_TAG = b"groundswell/signature-leaf/v1"
COMMITMENT_TAG = b"groundswell/signature-commitment/v1"
TOMBSTONE_TAG = b"groundswell/tombstone-leaf/v1"
SALT_SIZE = 16

TombstoneReason = Literal["withdrawn", "erased", "invalidated"]
TOMBSTONE_REASONS: frozenset[str] = frozenset({"withdrawn", "erased", "invalidated"})

LeafKind = Literal["signature", "tombstone"]

_LENGTH_SIZE = 4
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_SIZE)


def signature_leaf(
    *, public_id: str, campaign_slug: str, confirmed_at: datetime, salt: bytes
) -> bytes:
    """The log entry of a confirmed signature; the signer's receipt holds what recomputes it."""
    if not public_id:
        raise ValueError("a signature leaf needs the signature's public id")
    if not campaign_slug:
        raise ValueError("a signature leaf needs the campaign slug")
    if len(salt) != SALT_SIZE:
        raise ValueError(f"the salt must be {SALT_SIZE} bytes, got {len(salt)}")
    commitment = signature_commitment(
        public_id=public_id, campaign_slug=campaign_slug, confirmed_at=confirmed_at, salt=salt
    )
    return signature_leaf_of(commitment)


def signature_leaf_of(commitment: bytes) -> bytes:
    """Today's signature leaf around a commitment."""
    return _field(SIGNATURE_TAG) + _field(commitment)


def signature_commitment(
    *, public_id: str, campaign_slug: str, confirmed_at: datetime, salt: bytes
) -> bytes:
    """The salted commitment to a signature: what both today's leaves and version 1 entries hold."""
    if not public_id:
        raise ValueError("a signature leaf needs the signature's public id")
    if not campaign_slug:
        raise ValueError("a signature leaf needs the campaign slug")
    if len(salt) != SALT_SIZE:
        raise ValueError(f"the salt must be {SALT_SIZE} bytes, got {len(salt)}")
    return hashlib.sha256(
        _field(COMMITMENT_TAG)
        + _field(campaign_slug.encode())
        + _field(public_id.encode())
        + _field(canonical_time(confirmed_at).encode())
        + _field(salt)
    ).digest()


def tombstone_leaf(
    *, leaf_index: int, campaign_slug: str, reason: TombstoneReason, at: datetime
) -> bytes:
    """The log entry that takes the signature at ``leaf_index`` out of the live count."""
    if leaf_index < 0:
        raise ValueError(f"a leaf index cannot be negative, got {leaf_index}")
    if not campaign_slug:
        raise ValueError("a tombstone leaf needs the campaign slug")
    if reason not in TOMBSTONE_REASONS:
        raise ValueError(
            f"a tombstone reason is one of {', '.join(sorted(TOMBSTONE_REASONS))}, got {reason!r}"
        )
    return (
        _field(TOMBSTONE_TAG)
        + _field(campaign_slug.encode())
        + _field(str(leaf_index).encode())
        + _field(reason.encode())
        + _field(canonical_time(at).encode())
    )


def leaf_kind(entry: bytes) -> LeafKind:
    """Whether a log entry records a signature or a tombstone, read from its leading tag."""
    length = int.from_bytes(entry[:_LENGTH_SIZE], "big")
    tag = entry[_LENGTH_SIZE : _LENGTH_SIZE + length]
    if tag == SIGNATURE_TAG:
        return "signature"
    if tag == TOMBSTONE_TAG:
        return "tombstone"
    raise ValueError("not a groundswell log entry: it starts with no known tag")


def canonical_time(moment: datetime) -> str:
    """The one text form of an instant that the log hashes and signs.

    Naive datetimes are refused rather than guessed at: a commitment recomputed from another
    offset would not match.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the time {moment.isoformat()} has no time zone; the log needs UTC")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """Read an ISO 8601 time with a zone (``Z`` or an offset) as an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"the time {text!r} has no time zone; write it in UTC with a 'Z'")
    return moment.astimezone(UTC)


def _field(value: bytes) -> bytes:
    return len(value).to_bytes(_LENGTH_SIZE, "big") + value
