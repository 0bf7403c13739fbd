"""Version 1 log entries: their exact bytes, and the rules of the recount."""

import hashlib
from datetime import UTC, datetime

import pytest

from groundswell.transparency.commitments import TOMBSTONE_REASONS, signature_leaf, tombstone_leaf
from groundswell.transparency.log_entries import (
    Channel,
    EntryError,
    LiveCount,
    RecountError,
    SignatureEntry,
    TombstoneEntry,
    TombstoneReason,
    entry_leaf_hash,
    parse_entry,
)
from tests.transparency.logs import commitment, signature_entries, tombstone

COMMITMENT = bytes(range(32))


def test_a_signature_entry_is_version_kind_channel_commitment() -> None:
    entry = SignatureEntry(COMMITMENT)

    assert entry.to_bytes() == bytes.fromhex("010101") + COMMITMENT
    assert parse_entry(entry.to_bytes()) == entry


@pytest.mark.parametrize(
    ("channel", "code"), [(Channel.ONLINE, 1), (Channel.PAPER, 2), (Channel.PARTNER_TOOL, 3)]
)
def test_a_signature_entry_carries_its_channel(channel: Channel, code: int) -> None:
    entry = SignatureEntry(COMMITMENT, channel)

    assert entry.to_bytes()[2] == code
    assert parse_entry(entry.to_bytes()) == entry


def test_a_tombstone_entry_adds_the_revoked_index_and_a_reason_code() -> None:
    entry = TombstoneEntry(258, TombstoneReason.ERASED, COMMITMENT)

    # version, kind, revoked index 258 as a uint64, reason "erased", commitment.
    assert entry.to_bytes() == bytes.fromhex("0102000000000000010202") + COMMITMENT
    assert parse_entry(entry.to_bytes()) == entry


def test_the_leaf_hash_is_rfc_6962s_hash_of_the_entry_bytes() -> None:
    entry = SignatureEntry(COMMITMENT)

    assert entry_leaf_hash(entry) == hashlib.sha256(b"\x00" + entry.to_bytes()).digest()


def test_the_reason_codes_name_todays_tombstone_reasons() -> None:
    assert {reason.name.lower() for reason in TombstoneReason} == set(TOMBSTONE_REASONS)
    assert [int(reason) for reason in TombstoneReason] == [1, 2, 3]


def test_todays_commitment_becomes_the_entry_commitment() -> None:
    confirmed_at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    today = signature_leaf(
        public_id="abc123", campaign_slug="save-the-park", confirmed_at=confirmed_at, salt=b"s" * 16
    )
    # field("groundswell/signature-leaf/v1") || field(commitment): the commitment is the tail.
    assert today[-36:-32] == (32).to_bytes(4, "big")
    entry = SignatureEntry(today[-32:])

    assert parse_entry(entry.to_bytes()).commitment == today[-32:]
    # Today's leaves start with a zero byte (the tag's length): never a version 1 entry.
    with pytest.raises(EntryError, match="version"):
        parse_entry(today)
    with pytest.raises(EntryError, match="version"):
        parse_entry(
            tombstone_leaf(
                leaf_index=0, campaign_slug="save-the-park", reason="withdrawn", at=confirmed_at
            )
        )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "at least"),
        (b"\x01", "at least"),
        (b"\x02\x01\x01" + COMMITMENT, "version"),
        (b"\x01\x03\x01" + COMMITMENT, "kind"),
        (b"\x01\x01\x01" + COMMITMENT[:31], "35 bytes"),
        (b"\x01\x01\x01" + COMMITMENT + b"\x00", "35 bytes"),
        (b"\x01\x01\x04" + COMMITMENT, "channel"),
        (b"\x01\x01\x00" + COMMITMENT, "channel"),
        (b"\x01\x02" + bytes(8) + b"\x01" + COMMITMENT[:31], "43 bytes"),
        (b"\x01\x02" + bytes(8) + b"\x04" + COMMITMENT, "reason"),
        (b"\x01\x02" + bytes(8) + b"\x00" + COMMITMENT, "reason"),
    ],
)
def test_it_refuses_anything_else(data: bytes, reason: str) -> None:
    with pytest.raises(EntryError, match=reason):
        parse_entry(data)


def test_the_live_count_is_signatures_minus_tombstones() -> None:
    entries = signature_entries(5)
    entries += [tombstone(entries, 1), tombstone(entries, 3)]
    count = LiveCount()

    count.add_all(entries)

    assert (count.size, count.signatures, count.tombstones, count.live) == (7, 5, 2, 3)
    assert [count.is_live(index) for index in range(7)] == [
        True, False, True, False, True, False, False
    ]  # fmt: skip


def recount(entries: list[bytes]) -> LiveCount:
    count = LiveCount()
    count.add_all(entries)
    return count


def test_a_repeated_commitment_is_refused_not_counted_twice() -> None:
    entries = signature_entries(3)
    entries.append(entries[1])

    with pytest.raises(RecountError, match="repeats the commitment of signature entry 1"):
        recount(entries)


def test_a_tombstone_must_revoke_an_earlier_signature_with_its_commitment() -> None:
    entries = signature_entries(3)
    cases = {
        "does not come before": [
            *entries,
            TombstoneEntry(3, TombstoneReason.WITHDRAWN, commitment(9)).to_bytes(),
        ],
        "not a signature": [
            *entries,
            tombstone(entries, 0),
            TombstoneEntry(3, TombstoneReason.WITHDRAWN, commitment(0)).to_bytes(),
        ],
        "another commitment": [
            *entries,
            TombstoneEntry(1, TombstoneReason.WITHDRAWN, commitment(2)).to_bytes(),
        ],
        "already revoked": [*entries, tombstone(entries, 2), tombstone(entries, 2)],
    }
    for reason, log in cases.items():
        with pytest.raises(RecountError, match=reason):
            recount(log)


def test_a_malformed_entry_stops_the_recount_and_says_where() -> None:
    with pytest.raises(RecountError, match="entry 2: "):
        recount([*signature_entries(2), b"\x01\x01"])


def test_entries_refuse_impossible_values() -> None:
    with pytest.raises(EntryError):
        SignatureEntry(COMMITMENT[:31])
    with pytest.raises(EntryError):
        TombstoneEntry(-1, TombstoneReason.WITHDRAWN, COMMITMENT)
    with pytest.raises(EntryError):
        TombstoneEntry(2**64, TombstoneReason.WITHDRAWN, COMMITMENT)
    with pytest.raises(EntryError):
        TombstoneEntry(1, 1, COMMITMENT)  # type: ignore[arg-type]


def test_the_live_count_is_also_kept_per_channel() -> None:
    entries = [
        SignatureEntry(commitment(0), Channel.ONLINE).to_bytes(),
        SignatureEntry(commitment(1), Channel.PAPER).to_bytes(),
        SignatureEntry(commitment(2), Channel.PAPER).to_bytes(),
        SignatureEntry(commitment(3), Channel.PARTNER_TOOL).to_bytes(),
    ]
    entries.append(tombstone(entries, 1))
    count = LiveCount()

    count.add_all(entries)

    assert count.live_by_channel == {
        Channel.ONLINE: 1, Channel.PAPER: 1, Channel.PARTNER_TOOL: 1
    }  # fmt: skip
