"""C2SP tlog-witness: the add-checkpoint decision, split views and rollbacks, k-of-n policies."""

import base64
import hashlib

import pytest

from groundswell.transparency.merkle import EMPTY_ROOT, consistency_proof
from groundswell.transparency.signed_note import (
    CosignatureSigner,
    Ed25519Signer,
    NoteSignature,
    open_note,
    sign_note,
)
from groundswell.transparency.tlog_checkpoint import (
    Checkpoint,
    CheckpointVerificationError,
    CountedCheckpoint,
    sign_checkpoint,
)
from groundswell.transparency.tlog_tiles import TileHashReader
from groundswell.transparency.witness import (
    SIZE_CONTENT_TYPE,
    LogState,
    WitnessedCheckpoint,
    WitnessPolicy,
    WitnessPolicyError,
    WitnessRequestError,
    WitnessResponse,
    add_checkpoint,
    build_add_checkpoint_request,
    open_witnessed_checkpoint,
    parse_add_checkpoint_request,
    parse_cosignature_lines,
)
from tests.transparency.logs import (
    CHECKPOINT_TIME,
    ORIGIN,
    build_log,
    fixed_signer,
    signature_entries,
)

NOW = 1_740_830_400  # 2025-03-01T12:00:00Z
LOG_KEY = fixed_signer()
ENTRIES = signature_entries(40)
FORKED = signature_entries(40, start=1000)


def witness_key(number: int) -> CosignatureSigner:
    return CosignatureSigner.from_seed(
        f"witness.example/w{number}", hashlib.sha256(f"witness {number}".encode()).digest()
    )


WITNESS = witness_key(1)


def checkpoint_note(entries: list[bytes], size: int, *, signer: Ed25519Signer = LOG_KEY) -> bytes:
    log = build_log(entries[:size], signer=signer)
    return log.note


def request(old_size: int, entries: list[bytes], size: int) -> bytes:
    """An add-checkpoint body with the proof from ``old_size`` in the tree of ``entries``."""
    log = build_log(entries[:size])
    proof = []
    if 0 < old_size <= size:
        proof = consistency_proof(log.store, old_size=old_size, new_size=size)
    return build_add_checkpoint_request(
        old_size=old_size, proof=proof, checkpoint=checkpoint_note(entries, size)
    )


def state_at(entries: list[bytes], size: int) -> dict[str, LogState]:
    return {ORIGIN: LogState(size, build_log(entries[:size]).root)}


def witness(body: bytes, state: dict[str, LogState] | None = None) -> WitnessResponse:
    return add_checkpoint(
        body,
        log_keys={ORIGIN: [LOG_KEY.verifier]},
        state=state or {},
        signers=[WITNESS],
        now=NOW,
    )


def test_the_specs_example_request_parses() -> None:
    body = (
        "old 20852014\n"
        "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
        "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
        "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
        "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
        "\n"
        "example.com/behind-the-sofa\n"
        "20852163\n"
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        "\n"
        "— example.com/behind-the-sofa "
        "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    ).encode()

    parsed = parse_add_checkpoint_request(body)

    assert parsed.old_size == 20852014
    assert [base64.b64encode(node).decode()[:6] for node in parsed.proof] == [
        "PlRNCr", "jrJZDm", "5+pKlU", "/6WVhP"
    ]  # fmt: skip
    assert parsed.checkpoint.startswith(b"example.com/behind-the-sofa\n20852163\n")
    assert parsed.to_bytes() == body


@pytest.mark.parametrize(
    "body",
    [
        b"old 01\n\n",
        b"old -1\n\n",
        b"old 1 \n\n",
        b"new 1\n\n",
        b"old 1\n",
        b"old 1\nAAAA\n\n",  # not a 32-byte hash
        b"old 1\n" + b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n\n",  # non-canonical
        b"old 1\n" + b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" * 64 + b"\n",
        b"old \xc3\xa9\n\n",
    ],
)
def test_it_refuses_malformed_requests(body: bytes) -> None:
    with pytest.raises(WitnessRequestError):
        parse_add_checkpoint_request(body)
    assert witness(body + b"x\n").status == 400


def test_the_first_checkpoint_is_cosigned() -> None:
    response = witness(request(0, ENTRIES, 10))

    assert response.status == 200
    assert response.new_state == LogState(10, build_log(ENTRIES[:10]).root)
    assert response.expected_size == 0
    (cosignature,) = parse_cosignature_lines(response.body)
    text = CountedCheckpoint(ORIGIN, 10, build_log(ENTRIES[:10]).root, 10, CHECKPOINT_TIME).text()
    assert WITNESS.verifier.verify(text, cosignature.signature)
    assert cosignature.signature[:8] == NOW.to_bytes(8, "big")


def test_a_growing_log_is_cosigned_with_a_consistency_proof() -> None:
    response = witness(request(10, ENTRIES, 40), state_at(ENTRIES, 10))

    assert response.status == 200
    assert response.new_state == LogState(40, build_log(ENTRIES).root)
    assert response.expected_size == 10


def test_the_same_checkpoint_again_is_cosigned_again() -> None:
    assert witness(request(10, ENTRIES, 10), state_at(ENTRIES, 10)).status == 200


def test_a_split_view_is_refused() -> None:
    # The witness cosigned size 10 of one tree; the same size with another root is a second view.
    response = witness(request(10, FORKED, 10), state_at(ENTRIES, 10))

    assert response.status == 422
    assert b"split view" in response.body
    assert response.new_state is None


def test_a_fork_with_a_proof_from_another_tree_is_refused() -> None:
    response = witness(request(10, FORKED, 40), state_at(ENTRIES, 10))

    assert response.status == 422
    assert b"consistency proof" in response.body


def test_a_fork_sent_from_size_zero_gets_the_stored_size() -> None:
    response = witness(request(0, FORKED, 40), state_at(ENTRIES, 10))

    assert (response.status, response.body, response.content_type) == (
        409, b"10\n", SIZE_CONTENT_TYPE
    )  # fmt: skip


def test_a_rollback_is_refused() -> None:
    stored = state_at(ENTRIES, 40)

    assert witness(request(40, ENTRIES, 10), stored).status == 400  # old size above new size
    assert witness(request(10, ENTRIES, 10), stored).status == 409  # old size not the stored one
    assert witness(request(0, ENTRIES, 10), stored).status == 409


def test_a_wrong_old_size_gets_409_with_the_stored_size() -> None:
    response = witness(request(5, ENTRIES, 40), state_at(ENTRIES, 10))

    assert (response.status, response.body) == (409, b"10\n")


def test_a_proof_from_size_zero_is_refused() -> None:
    body = build_add_checkpoint_request(
        old_size=0, proof=[bytes(32)], checkpoint=checkpoint_note(ENTRIES, 10)
    )

    assert witness(body).status == 422


def test_an_empty_checkpoint_needs_the_empty_root() -> None:
    good = sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [LOG_KEY])
    bad = sign_checkpoint(Checkpoint(ORIGIN, 0, bytes(32)), [LOG_KEY])

    assert (
        witness(build_add_checkpoint_request(old_size=0, proof=[], checkpoint=good)).status == 200
    )
    assert witness(build_add_checkpoint_request(old_size=0, proof=[], checkpoint=bad)).status == 422


def test_an_unknown_origin_gets_404() -> None:
    other = fixed_signer("sign.example.org/p/other")
    note = sign_checkpoint(Checkpoint("sign.example.org/p/other", 0, EMPTY_ROOT), [other])

    assert (
        witness(build_add_checkpoint_request(old_size=0, proof=[], checkpoint=note)).status == 404
    )


def test_a_checkpoint_not_signed_by_the_log_gets_403() -> None:
    impostor = fixed_signer(number=7)
    unsigned = request(0, ENTRIES, 10).replace(
        checkpoint_note(ENTRIES, 10), checkpoint_note(ENTRIES, 10, signer=impostor)
    )
    forged_note = (
        sign_checkpoint(Checkpoint(ORIGIN, 0, EMPTY_ROOT), [impostor]).split(b"\n\n")[0]
        + b"\n\n"
        + NoteSignature(ORIGIN, LOG_KEY.key_id, bytes(64)).line().encode()
    )

    assert witness(unsigned).status == 403
    assert (
        witness(build_add_checkpoint_request(old_size=0, proof=[], checkpoint=forged_note)).status
        == 403
    )


def test_a_malformed_checkpoint_gets_400() -> None:
    note = sign_note(b"sign.example.org/p/save-the-park\n01\nAAAA\n", [LOG_KEY])

    assert (
        witness(build_add_checkpoint_request(old_size=0, proof=[], checkpoint=note)).status == 400
    )


def test_nothing_is_cosigned_without_a_witness_key() -> None:
    with pytest.raises(ValueError, match="cosigning key"):
        add_checkpoint(b"", log_keys={}, state={}, signers=[], now=NOW)


# The verifier's side: a checkpoint cosigned by witnesses, checked against a k-of-n policy.

WITNESSES = [witness_key(number) for number in (1, 2, 3)]
POLICY = WitnessPolicy(tuple(key.verifier for key in WITNESSES), threshold=2)


def cosigned(*cosigners: CosignatureSigner, timestamp: int = NOW) -> bytes:
    log = build_log(ENTRIES)
    return (
        log.note
        + "".join(
            cosigner.cosign(log.checkpoint.text(), timestamp=timestamp).line()
            for cosigner in cosigners
        ).encode()
    )


def open_with_policy(note: bytes, policy: WitnessPolicy = POLICY) -> WitnessedCheckpoint:
    return open_witnessed_checkpoint(
        note, origin=ORIGIN, log_verifiers=[LOG_KEY.verifier], policy=policy, now=NOW
    )


def test_a_checkpoint_cosigned_by_enough_witnesses_is_trusted() -> None:
    witnessed = open_with_policy(cosigned(WITNESSES[0], WITNESSES[2]))

    assert witnessed.checkpoint.size == 40
    assert sorted(witnessed.cosigned_at) == [
        f"witness.example/w1+{WITNESSES[0].key_id:08x}",
        f"witness.example/w3+{WITNESSES[2].key_id:08x}",
    ]


def test_too_few_cosignatures_are_refused() -> None:
    with pytest.raises(WitnessPolicyError, match="1 of the policy's witnesses; the policy needs 2"):
        open_with_policy(cosigned(WITNESSES[1]))
    with pytest.raises(WitnessPolicyError):
        open_with_policy(cosigned())


def test_one_witness_repeated_counts_once() -> None:
    with pytest.raises(WitnessPolicyError, match="needs 2"):
        open_with_policy(cosigned(WITNESSES[0], WITNESSES[0]))


def test_a_witness_outside_the_policy_does_not_count() -> None:
    with pytest.raises(WitnessPolicyError):
        open_with_policy(cosigned(WITNESSES[0], witness_key(9)))


def test_a_made_up_cosignature_rejects_the_checkpoint() -> None:
    forged = NoteSignature(
        WITNESSES[1].name, WITNESSES[1].key_id, NOW.to_bytes(8, "big") + bytes(64)
    )

    with pytest.raises(CheckpointVerificationError, match="does not verify"):
        open_with_policy(cosigned(WITNESSES[0]) + forged.line().encode())


def test_a_cosignature_moved_from_another_checkpoint_fails() -> None:
    other = build_log(ENTRIES[:39])
    moved = WITNESSES[1].cosign(other.checkpoint.text(), timestamp=NOW).line().encode()

    with pytest.raises(CheckpointVerificationError):
        open_with_policy(cosigned(WITNESSES[0]) + moved)


def test_a_cosignature_from_the_future_is_refused() -> None:
    with pytest.raises(WitnessPolicyError, match="after now"):
        open_with_policy(cosigned(WITNESSES[0], WITNESSES[1], timestamp=NOW + 3600))


def test_a_policy_is_consistent() -> None:
    keys = tuple(key.verifier for key in WITNESSES)
    with pytest.raises(ValueError):
        WitnessPolicy(keys, threshold=4)
    with pytest.raises(ValueError):
        WitnessPolicy((keys[0], keys[0]), threshold=1)
    assert open_with_policy(build_log(ENTRIES).note, WitnessPolicy(keys, threshold=0))


def test_a_log_gets_cosigned_and_a_reader_checks_it_end_to_end() -> None:
    """The log submits each checkpoint to two witnesses; a reader with a 2-of-3 policy trusts the
    result and reads the tiles; then the log tries a split view, and nobody cosigns it."""
    states: list[dict[str, LogState]] = [{}, {}]
    keys = {ORIGIN: [LOG_KEY.verifier]}
    note = b""
    previous = 0
    for size in (10, 25, 40):
        log = build_log(ENTRIES[:size])
        proof = consistency_proof(log.store, old_size=previous, new_size=size) if previous else []
        body = build_add_checkpoint_request(old_size=previous, proof=proof, checkpoint=log.note)
        lines = b""
        for state, key in zip(states, WITNESSES[:2], strict=True):
            response = add_checkpoint(body, log_keys=keys, state=state, signers=[key], now=NOW)
            assert response.status == 200
            state[ORIGIN] = response.new_state
            lines += response.body
        # The log's own view: its note plus the witnesses' lines, as the spec suggests.
        assert open_note(log.note + lines, [key.verifier for key in WITNESSES])
        note = log.note + lines
        previous = size

    witnessed = open_with_policy(note)
    reader = TileHashReader(log.tiles, tree_size=40, root=witnessed.checkpoint.root_hash)
    assert reader.root_hash() == witnessed.checkpoint.root_hash

    split = build_log(FORKED[:40])
    proof = consistency_proof(split.store, old_size=25, new_size=40)
    for old_size, forged_proof in [(40, []), (25, proof), (0, [])]:
        body = build_add_checkpoint_request(
            old_size=old_size, proof=forged_proof, checkpoint=split.note
        )
        for state, key in zip(states, WITNESSES[:2], strict=True):
            response = add_checkpoint(body, log_keys=keys, state=state, signers=[key], now=NOW)
            assert response.status in (409, 422)
    with pytest.raises(WitnessPolicyError):
        open_with_policy(split.note)
