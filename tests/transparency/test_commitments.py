"""The entries of the transparency log: salted signature commitments and tombstones."""

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from groundswell.transparency.commitments import (
    SALT_SIZE,
    canonical_time,
    leaf_kind,
    new_salt,
    parse_time,
    signature_leaf,
    tombstone_leaf,
)

CONFIRMED_AT = datetime(2025, 3, 1, 12, 0, 5, 250, tzinfo=UTC)
SALT = bytes(range(16))


def field(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def a_signature_leaf(**changes: object) -> bytes:
    details: dict[str, object] = {
        "public_id": "S-7Q2M4K",
        "campaign_slug": "save-the-park",
        "confirmed_at": CONFIRMED_AT,
        "salt": SALT,
    }
    details.update(changes)
    return signature_leaf(**details)  # type: ignore[arg-type]


def test_a_signature_leaf_is_the_documented_length_prefixed_encoding() -> None:
    commitment = hashlib.sha256(
        field(b"groundswell/signature-commitment/v1")
        + field(b"save-the-park")
        + field(b"S-7Q2M4K")
        + field(b"2025-03-01T12:00:05.000250Z")
        + field(SALT)
    ).digest()
    assert a_signature_leaf() == field(b"groundswell/signature-leaf/v1") + field(commitment)


def test_a_signature_leaf_reveals_nothing_personal() -> None:
    leaf = a_signature_leaf()
    assert b"S-7Q2M4K" not in leaf
    assert b"save-the-park" not in leaf
    assert SALT not in leaf


def test_a_signature_leaf_changes_with_every_detail_it_commits_to() -> None:
    leaves = {
        a_signature_leaf(),
        a_signature_leaf(public_id="S-7Q2M4L"),
        a_signature_leaf(campaign_slug="save-the-pond"),
        a_signature_leaf(confirmed_at=CONFIRMED_AT + timedelta(microseconds=1)),
        a_signature_leaf(salt=bytes(16)),
    }
    assert len(leaves) == 5


def test_fields_cannot_be_shifted_from_one_to_the_next() -> None:
    assert a_signature_leaf(public_id="ab", campaign_slug="c") != a_signature_leaf(
        public_id="b", campaign_slug="ca"
    )


def test_the_same_instant_in_another_time_zone_gives_the_same_leaf() -> None:
    in_paris = CONFIRMED_AT.astimezone(timezone(timedelta(hours=1)))
    assert a_signature_leaf(confirmed_at=in_paris) == a_signature_leaf()


def test_it_refuses_a_time_without_a_time_zone() -> None:
    with pytest.raises(ValueError, match=r"has no time zone; the log needs UTC"):
        a_signature_leaf(confirmed_at=datetime(2025, 3, 1, 12, 0))


def test_it_refuses_a_salt_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match=r"^the salt must be 16 bytes, got 8$"):
        a_signature_leaf(salt=bytes(8))


def test_new_salts_are_random_and_sixteen_bytes_long() -> None:
    salts = {new_salt() for _ in range(20)}
    assert len(salts) == 20
    assert all(len(salt) == SALT_SIZE == 16 for salt in salts)


def test_a_tombstone_leaf_is_the_documented_length_prefixed_encoding() -> None:
    leaf = tombstone_leaf(
        leaf_index=42, campaign_slug="save-the-park", reason="withdrawn", at=CONFIRMED_AT
    )
    assert leaf == (
        field(b"groundswell/tombstone-leaf/v1")
        + field(b"save-the-park")
        + field(b"42")
        + field(b"withdrawn")
        + field(b"2025-03-01T12:00:05.000250Z")
    )


def test_it_refuses_an_unknown_tombstone_reason() -> None:
    with pytest.raises(ValueError, match=r"one of erased, invalidated, withdrawn, got 'deleted'"):
        tombstone_leaf(
            leaf_index=1,
            campaign_slug="save-the-park",
            reason="deleted",  # type: ignore[arg-type]
            at=CONFIRMED_AT,
        )


def test_a_verifier_can_tell_a_signature_leaf_from_a_tombstone() -> None:
    assert leaf_kind(a_signature_leaf()) == "signature"
    for reason in ["withdrawn", "erased", "invalidated"]:
        tombstone = tombstone_leaf(
            leaf_index=0,
            campaign_slug="save-the-park",
            reason=reason,  # type: ignore[arg-type]
            at=CONFIRMED_AT,
        )
        assert leaf_kind(tombstone) == "tombstone"
    with pytest.raises(ValueError, match=r"not a groundswell log entry"):
        leaf_kind(b"\x00\x00")


def test_times_are_written_in_utc_with_microseconds_and_read_back() -> None:
    assert canonical_time(CONFIRMED_AT) == "2025-03-01T12:00:05.000250Z"
    assert parse_time("2025-03-01T12:00:05.000250Z") == CONFIRMED_AT
    assert parse_time("2025-03-01T13:00:05.000250+01:00") == CONFIRMED_AT
    with pytest.raises(ValueError, match=r"has no time zone"):
        parse_time("2025-03-01T12:00:05")
    with pytest.raises(ValueError, match=r"is not an ISO 8601 time"):
        parse_time("yesterday")
