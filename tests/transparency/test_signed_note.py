"""C2SP signed notes and tlog-cosignature cosignatures: spec vectors, strictness, tampering."""

import base64
import hashlib

import pytest

from groundswell.transparency.signed_note import (
    ALGORITHM_COSIGNATURE_V1,
    ALGORITHM_ED25519,
    MAX_SIGNATURES,
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    Ed25519Verifier,
    InvalidSignatureError,
    NoteError,
    NoteFormatError,
    NoteSignature,
    UnverifiedNoteError,
    cosignature_timestamp,
    cosigned_message,
    key_id,
    open_note,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
)
from tests.transparency.logs import fixed_signer

# c2sp.org/signed-note, "Verifier keys", Example.
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
).encode()

# The example in the documentation of Go's golang.org/x/mod/sumdb/note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    b"If you think cryptography is the answer to your problem,\n"
    b"then you don't know what your problem is.\n"
)
GO_SIGNATURE_LINE = (
    "— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
GO_NOTE = GO_TEXT + b"\n" + GO_SIGNATURE_LINE.encode()

TEXT = b"example.org/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"


def test_it_verifies_the_c2sp_example_note() -> None:
    verifier = parse_verifier_key(C2SP_VKEY)

    opened = open_note(C2SP_NOTE, [verifier])

    assert opened.text == b"This is an example message.\n"
    assert [item.verifier for item in opened.verified] == [verifier]
    assert verifier.vkey == C2SP_VKEY


def test_it_signs_exactly_as_gos_documented_example() -> None:
    signer = parse_signer_key(GO_SKEY)

    assert signer.vkey == GO_VKEY
    assert signer.skey == GO_SKEY
    # Ed25519 is deterministic: the same key and text give the same signature as Go's.
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    assert open_note(GO_NOTE, [parse_verifier_key(GO_VKEY)]).text == GO_TEXT


def test_the_key_id_is_the_first_four_bytes_of_the_named_typed_key_hash() -> None:
    signer = fixed_signer("example.org/log")
    public_key = signer.verifier.public_key
    digest = hashlib.sha256(b"example.org/log\n\x01" + public_key).digest()

    assert signer.key_id == int.from_bytes(digest[:4], "big")
    assert key_id("example.org/log", ALGORITHM_ED25519, public_key) == signer.key_id
    assert signer.vkey == (
        f"example.org/log+{digest[:4].hex()}+" + base64.b64encode(b"\x01" + public_key).decode()
    )


def test_a_cosigner_key_has_its_own_type_and_id() -> None:
    seed = hashlib.sha256(b"witness").digest()
    log_key = Ed25519Signer.from_seed("witness.example/w1", seed)
    witness_key = CosignatureSigner.from_seed("witness.example/w1", seed)

    assert witness_key.key_id != log_key.key_id
    assert witness_key.key_id == key_id(
        "witness.example/w1", ALGORITHM_COSIGNATURE_V1, witness_key.verifier.public_key
    )
    assert base64.b64decode(witness_key.vkey.split("+", 2)[2])[0] == 0x04
    assert isinstance(parse_verifier_key(witness_key.vkey), CosignatureVerifier)
    assert isinstance(parse_verifier_key(log_key.vkey), Ed25519Verifier)
    assert isinstance(parse_signer_key(witness_key.skey), CosignatureSigner)


def test_key_strings_round_trip() -> None:
    signer = Ed25519Signer.generate("example.org/p/a")

    again = parse_signer_key(signer.skey)

    assert again.vkey == signer.vkey
    assert parse_verifier_key(signer.vkey).vkey == signer.vkey


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # wrong ID
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # upper-case ID
        "example.com/foo+530d903a",  # no key
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",  # bad base64
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l",  # re-spelled
        "example.com/foo+530d903a+AUkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U0=",  # 31 bytes
        "example.com/ foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # space
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # empty name
        "example.com/foo+530d903a+AkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2kA=",  # type 0x02
    ],
)
def test_it_refuses_malformed_verifier_keys(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_verifier_key(vkey)


def test_it_refuses_a_signer_key_whose_id_does_not_match() -> None:
    with pytest.raises(NoteError, match="not the ID"):
        parse_signer_key(GO_SKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(NoteError, match="starts with"):
        parse_signer_key(GO_VKEY)


def test_a_signer_never_shows_its_private_key() -> None:
    signer = parse_signer_key(GO_SKEY)

    assert "PRIVATE" not in repr(signer)
    assert "AYEKFALV" not in repr(signer)


def test_a_note_carries_several_signatures_and_unknown_ones_are_ignored() -> None:
    first, second, stranger = (fixed_signer("example.org/log", number=n) for n in (1, 2, 3))
    message = sign_note(TEXT, [first, stranger, second])

    opened = open_note(message, [first.verifier, second.verifier])

    assert [item.verifier for item in opened.verified] == [first.verifier, second.verifier]
    assert [signature.key_id for signature in opened.unverified] == [stranger.key_id]
    assert opened.signed_by(second.verifier) is not None


def test_a_signature_sharing_only_the_name_or_only_the_id_is_ignored() -> None:
    signer = fixed_signer("example.org/log")
    good = signer.sign(TEXT)
    same_name_other_id = NoteSignature(good.name, good.key_id ^ 1, bytes(64))
    same_id_other_name = NoteSignature("example.org/other", good.key_id, bytes(64))
    message = sign_note(TEXT, [signer], existing=[same_name_other_id, same_id_other_name])

    opened = open_note(message, [signer.verifier])

    assert len(opened.verified) == 1
    assert set(opened.unverified) == {same_name_other_id, same_id_other_name}


def test_a_note_with_no_signature_from_a_known_key_is_refused() -> None:
    message = sign_note(TEXT, [fixed_signer("example.org/log", number=2)])

    with pytest.raises(UnverifiedNoteError):
        open_note(message, [fixed_signer("example.org/log").verifier])


def test_a_removed_signature_leaves_a_note_nobody_trusted_signed() -> None:
    log, witness = fixed_signer("example.org/log"), fixed_signer("example.org/w", number=2)
    message = sign_note(TEXT, [log, witness])
    text, signatures = message.split(b"\n\n")
    without_log = text + b"\n\n" + signatures.split(b"\n", 1)[1]

    with pytest.raises(UnverifiedNoteError):
        open_note(without_log, [log.verifier])


def test_a_made_up_signature_by_a_known_key_rejects_the_whole_note() -> None:
    log, other = fixed_signer("example.org/log"), fixed_signer("example.org/log2", number=2)
    forged = NoteSignature(log.name, log.key_id, bytes(64))
    message = sign_note(TEXT, [other], existing=[forged])

    with pytest.raises(InvalidSignatureError, match="does not verify"):
        open_note(message, [log.verifier, other.verifier])


def test_a_changed_text_fails_its_signature() -> None:
    signer = fixed_signer("example.org/log")
    message = sign_note(TEXT, [signer]).replace(b"\n3\n", b"\n4\n")

    with pytest.raises(InvalidSignatureError):
        open_note(message, [signer.verifier])


def test_every_repeated_signature_of_a_known_key_is_checked() -> None:
    # Go checks only the first; the spec says a known key's signature MUST be verified.
    signer = fixed_signer("example.org/log")
    good = signer.sign(TEXT)
    bad = NoteSignature(good.name, good.key_id, bytes(64))

    opened = open_note(sign_note(TEXT, [], existing=[good, good]), [signer.verifier])
    assert len(opened.verified) == 1
    with pytest.raises(InvalidSignatureError):
        open_note(sign_note(TEXT, [], existing=[good, bad]), [signer.verifier])


def test_the_last_blank_line_separates_text_and_signatures() -> None:
    signer = fixed_signer("example.org/log")
    text = b"first paragraph\n\nsecond paragraph\n"

    assert open_note(sign_note(text, [signer]), [signer.verifier]).text == text


def good_note() -> bytes:
    return sign_note(TEXT, [fixed_signer("example.org/log")])


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (TEXT, "blank line"),
        (TEXT + b"\n", "at least one signature"),
        (good_note()[:-1], "ends with a newline"),
        (good_note().replace(b"\n3\n", b"\n3\r\n"), "control character"),
        (good_note().replace(b"\n3\n", b"\n3\t\n"), "control character"),
        (good_note().replace(b"example", b"ex\xffample", 1), "UTF-8"),
        (good_note().replace("— ".encode(), b"- "), "starts with"),
        (good_note().replace("— ".encode(), "—".encode()), "starts with"),
        (good_note().replace(b"example.org/log ", b"example.org/log  "), "base64"),
        (good_note()[:-2] + b"\n", "base64"),
        (TEXT + "\n— example.org/log AAAAAA==\n".encode(), "at least one byte"),
        (TEXT + "\n— example.org/l+g AAAAAAAA\n".encode(), "key name"),
        (TEXT + "\n— example.org/log\n".encode(), "key name"),
    ],
)
def test_it_refuses_malformed_notes(message: bytes, reason: str) -> None:
    with pytest.raises(NoteFormatError, match=reason):
        open_note(message, [fixed_signer("example.org/log").verifier])


def test_it_refuses_a_non_canonical_base64_signature() -> None:
    message = good_note()
    line = message.rsplit(b" ", 1)[1].rstrip(b"\n")
    raw = base64.b64decode(line)
    # 68 bytes: the last base64 digit before "=" carries 2 unused bits; set one.
    respelled = base64.b64encode(raw)[:-2] + bytes([base64.b64encode(raw)[-2] + 1]) + b"="
    assert base64.b64decode(respelled) == raw

    with pytest.raises(NoteFormatError, match="canonical"):
        open_note(message.replace(line, respelled), [fixed_signer("example.org/log").verifier])


def test_it_accepts_many_signatures_but_not_too_many() -> None:
    signer = fixed_signer("example.org/log")
    strangers = [NoteSignature(f"w{number}", number, bytes(64)) for number in range(99)]

    opened = open_note(sign_note(TEXT, [signer], existing=strangers), [signer.verifier])
    assert len(opened.unverified) == MAX_SIGNATURES - 1

    message = (
        sign_note(TEXT, [signer], existing=strangers[:-1])
        + (
            NoteSignature("w-last", 1, bytes(64)).line()
            + NoteSignature("w-more", 2, bytes(64)).line()
        ).encode()
    )
    with pytest.raises(NoteFormatError, match="at most"):
        parse_note(message)


def test_the_cosigned_message_is_the_one_the_spec_shows() -> None:
    # c2sp.org/tlog-cosignature, "Ed25519 signed message".
    checkpoint = (
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )

    assert cosigned_message(checkpoint, timestamp=1679315147) == (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_a_cosignature_is_a_timestamp_and_a_signature_of_that_message() -> None:
    witness = CosignatureSigner.from_seed("witness.example/w1", hashlib.sha256(b"w1").digest())

    cosignature = witness.cosign(TEXT, timestamp=1679315147)

    assert len(cosignature.signature) == 8 + 64
    assert cosignature_timestamp(cosignature.signature) == 1679315147
    assert cosignature.signature[:8] == (1679315147).to_bytes(8, "big")
    assert witness.verifier.verify(TEXT, cosignature.signature)
    # It is an Ed25519 signature of exactly the spec's message, nothing else.
    assert witness.verifier._ed25519_valid(
        cosigned_message(TEXT, timestamp=1679315147), cosignature.signature[8:]
    )
    assert not witness.verifier._ed25519_valid(TEXT, cosignature.signature[8:])


def test_a_cosignature_with_another_timestamp_or_text_fails() -> None:
    witness = CosignatureSigner.from_seed("witness.example/w1", hashlib.sha256(b"w1").digest())
    signature = witness.cosign(TEXT, timestamp=1679315147).signature

    moved = (1679315148).to_bytes(8, "big") + signature[8:]
    assert not witness.verifier.verify(TEXT, moved)
    assert not witness.verifier.verify(TEXT.replace(b"3", b"4"), signature)
    assert not witness.verifier.verify(TEXT, signature[:-1])
    too_late = (2**63).to_bytes(8, "big") + signature[8:]
    assert not witness.verifier.verify(TEXT, too_late)
    with pytest.raises(NoteError):
        witness.cosign(TEXT, timestamp=2**63)


def test_a_log_key_does_not_verify_a_cosignature_and_the_reverse() -> None:
    seed = hashlib.sha256(b"same key").digest()
    log = Ed25519Signer.from_seed("example.org/x", seed)
    witness = CosignatureSigner.from_seed("example.org/x", seed)

    assert not witness.verifier.verify(TEXT, log.sign(TEXT).signature)
    assert not log.verifier.verify(TEXT, witness.cosign(TEXT, timestamp=1).signature)
