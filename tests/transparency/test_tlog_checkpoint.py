"""C2SP checkpoints: the exact text, one spelling per value, and what a signature covers."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from groundswell.transparency.merkle import EMPTY_ROOT
from groundswell.transparency.signed_note import NoteFormatError, sign_note
from groundswell.transparency.tlog_checkpoint import (
    Checkpoint,
    CheckpointError,
    CheckpointVerificationError,
    CountedCheckpoint,
    log_origin,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from tests.transparency.logs import ORIGIN, fixed_signer

ROOT = hashlib.sha256(b"root").digest()
ROOT_TEXT = base64.b64encode(ROOT).decode()
COUNTED = CountedCheckpoint(ORIGIN, 1042, ROOT, 1017, datetime(2025, 3, 1, 12, 0, tzinfo=UTC))


def test_a_counted_checkpoint_is_five_lines_of_text() -> None:
    assert (
        COUNTED.text()
        == (
            f"sign.example.org/p/save-the-park\n1042\n{ROOT_TEXT}\nlive 1017\n"
            "time 2025-03-01T12:00:00Z\n"
        ).encode()
    )


def test_it_reads_the_c2sp_example_checkpoint() -> None:
    text = b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

    checkpoint = parse_checkpoint(text)

    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.extensions == ()
    assert checkpoint.text() == text


def test_text_and_checkpoint_round_trip() -> None:
    checkpoint = parse_checkpoint(COUNTED.text())

    assert CountedCheckpoint.from_checkpoint(checkpoint) == COUNTED
    assert checkpoint.text() == COUNTED.text()


@pytest.mark.parametrize(
    "text",
    [
        f"o\n01\n{ROOT_TEXT}\n",  # leading zero
        f"o\n+1\n{ROOT_TEXT}\n",
        f"o\n 1\n{ROOT_TEXT}\n",
        f"o\n1 \n{ROOT_TEXT}\n",
        f"o\n1e3\n{ROOT_TEXT}\n",
        f"o\n١\n{ROOT_TEXT}\n",  # an Arabic-Indic digit is a digit to Python, not to the spec
        f"o\n{2**63}\n{ROOT_TEXT}\n",
        f"o\n-1\n{ROOT_TEXT}\n",
        f"o\n1\n{ROOT_TEXT.rstrip('=')}\n",  # no padding
        f"o\n1\n{ROOT_TEXT[:-2]}B=\n",  # stray bits: another spelling of a near value
        f"o\n1\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"o\n1\n{ROOT_TEXT} \n",
        f"o\n1\n{ROOT_TEXT}\r\n",
        f"o\n1\n{ROOT_TEXT}",  # no final newline
        f"o\n1\n{ROOT_TEXT}\n\nextension\n",  # empty extension line
        f"\n1\n{ROOT_TEXT}\n",  # empty origin
        "o\n1\n",
    ],
)
def test_it_refuses_any_other_spelling(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text.encode())


def test_it_refuses_text_that_is_not_utf8() -> None:
    with pytest.raises(CheckpointError, match="UTF-8"):
        parse_checkpoint(b"o\xff\n1\n" + ROOT_TEXT.encode() + b"\n")


@pytest.mark.parametrize(
    "extensions",
    [
        ("live 1017",),
        ("time 2025-03-01T12:00:00Z", "live 1017"),
        ("live 01017", "time 2025-03-01T12:00:00Z"),
        ("live  1017", "time 2025-03-01T12:00:00Z"),
        ("live 1017", "time 2025-03-01T12:00:00.000000Z"),
        ("live 1017", "time 2025-03-01T13:00:00+01:00"),
        ("live 1017", "time 2025-03-01 12:00:00Z"),
        ("live 1017", "time 2025-02-30T12:00:00Z"),
        ("live 1017", "time 2025-03-01T12:00:00Z", "more"),
        ("live 1043", "time 2025-03-01T12:00:00Z"),  # more live signatures than leaves
    ],
)
def test_our_extension_lines_have_one_form(extensions: tuple[str, ...]) -> None:
    with pytest.raises(CheckpointError):
        CountedCheckpoint.from_checkpoint(Checkpoint(ORIGIN, 1042, ROOT, extensions))


def test_the_time_is_kept_in_whole_utc_seconds() -> None:
    paris = timezone(timedelta(hours=1))
    counted = CountedCheckpoint(
        ORIGIN, 1, ROOT, 1, datetime(2025, 3, 1, 13, 0, 0, 999_999, tzinfo=paris)
    )

    assert counted.time == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert b"time 2025-03-01T12:00:00Z\n" in counted.text()
    with pytest.raises(CheckpointError, match="time zone"):
        CountedCheckpoint(ORIGIN, 1, ROOT, 1, datetime(2025, 3, 1))


def test_a_signed_checkpoint_opens_with_the_log_key() -> None:
    signer = fixed_signer()
    note = sign_checkpoint(COUNTED, [signer])

    opened = open_checkpoint(note, origin=ORIGIN, log_verifiers=[signer.verifier])

    assert CountedCheckpoint.from_checkpoint(opened.checkpoint) == COUNTED
    assert note == COUNTED.text() + b"\n" + signer.sign(COUNTED.text()).line().encode()


def test_a_re_spelled_time_does_not_verify() -> None:
    # The old JSON checkpoints let "12:00:00.000000Z" become "13:00:00+01:00" under the same
    # signature; here the signed bytes are the checkpoint.
    signer = fixed_signer()
    note = sign_checkpoint(COUNTED, [signer])
    respelled = note.replace(b"time 2025-03-01T12:00:00Z", b"time 2025-03-01T13:00:00+01:00")

    with pytest.raises(CheckpointVerificationError, match="does not verify"):
        open_checkpoint(respelled, origin=ORIGIN, log_verifiers=[signer.verifier])


def test_a_changed_extension_does_not_verify() -> None:
    signer = fixed_signer()
    note = sign_checkpoint(COUNTED, [signer])

    for changed in (
        note.replace(b"live 1017", b"live 01017"),
        note.replace(b"live 1017", b"live 1018"),
        note.replace(b"live 1017\n", b""),
    ):
        with pytest.raises(CheckpointVerificationError):
            open_checkpoint(changed, origin=ORIGIN, log_verifiers=[signer.verifier])


def test_even_a_log_signature_cannot_make_a_second_spelling_valid() -> None:
    signer = fixed_signer()
    text = COUNTED.text().replace(b"live 1017", b"live 01017")
    note = sign_note(text, [signer])

    opened = open_checkpoint(note, origin=ORIGIN, log_verifiers=[signer.verifier])
    with pytest.raises(CheckpointError):
        CountedCheckpoint.from_checkpoint(opened.checkpoint)


def test_a_checkpoint_from_another_log_is_refused() -> None:
    signer = fixed_signer("sign.example.org/p/other")
    other = CountedCheckpoint("sign.example.org/p/other", 1, ROOT, 1, COUNTED.time)

    with pytest.raises(CheckpointVerificationError, match="not from"):
        open_checkpoint(
            sign_checkpoint(other, [signer]), origin=ORIGIN, log_verifiers=[signer.verifier]
        )


def test_a_witness_signature_alone_does_not_open_a_checkpoint() -> None:
    log, witness = fixed_signer(), fixed_signer("witness.example/w1", number=2)
    note = sign_checkpoint(COUNTED, [witness])

    with pytest.raises(CheckpointVerificationError, match="no signature by the log"):
        open_checkpoint(
            note, origin=ORIGIN, log_verifiers=[log.verifier], other_verifiers=[witness.verifier]
        )


def test_checkpoints_signed_before_a_key_rotation_still_open() -> None:
    old_key, new_key = fixed_signer(number=1), fixed_signer(number=2)
    old_note = sign_checkpoint(COUNTED, [old_key])
    new_note = sign_checkpoint(COUNTED, [new_key])
    trusted = [new_key.verifier, old_key.verifier]

    assert open_checkpoint(old_note, origin=ORIGIN, log_verifiers=trusted).checkpoint.size == 1042
    assert open_checkpoint(new_note, origin=ORIGIN, log_verifiers=trusted).checkpoint.size == 1042
    with pytest.raises(CheckpointVerificationError):
        open_checkpoint(old_note, origin=ORIGIN, log_verifiers=[new_key.verifier])


def test_an_empty_log_has_the_empty_tree_root() -> None:
    signer = fixed_signer()
    empty = Checkpoint(ORIGIN, 0, EMPTY_ROOT)
    lying = Checkpoint(ORIGIN, 0, ROOT)

    assert (
        open_checkpoint(
            sign_checkpoint(empty, [signer]), origin=ORIGIN, log_verifiers=[signer.verifier]
        ).checkpoint
        == empty
    )
    with pytest.raises(CheckpointVerificationError, match="empty"):
        open_checkpoint(
            sign_checkpoint(lying, [signer]), origin=ORIGIN, log_verifiers=[signer.verifier]
        )


def test_a_malformed_note_is_refused_before_anything_else() -> None:
    signer = fixed_signer()

    with pytest.raises(NoteFormatError):
        open_checkpoint(COUNTED.text(), origin=ORIGIN, log_verifiers=[signer.verifier])


def test_the_origin_is_host_p_slug() -> None:
    assert log_origin(host="sign.example.org", slug="save-the-park") == ORIGIN
    assert log_origin(host="localhost:8000", slug="a") == "localhost:8000/p/a"
    for host, slug in [
        ("", "a"),
        ("h", ""),
        ("h/x", "a"),
        ("h", "a/b"),
        ("h h", "a"),
        ("h", "a+b"),
    ]:
        with pytest.raises(CheckpointError):
            log_origin(host=host, slug=slug)


def test_a_checkpoint_refuses_impossible_values() -> None:
    with pytest.raises(CheckpointError):
        Checkpoint(ORIGIN, -1, ROOT)
    with pytest.raises(CheckpointError):
        Checkpoint(ORIGIN, 1, ROOT[:31])
    with pytest.raises(CheckpointError):
        Checkpoint("two\nlines", 1, ROOT)
    with pytest.raises(CheckpointError):
        Checkpoint(ORIGIN, 1, ROOT, ("",))
