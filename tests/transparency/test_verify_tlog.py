"""`groundswell verify recount | receipt --log | mirror`: a published log checked from its tiles,
from a directory and over HTTP (a loopback server), with no database."""

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from groundswell.transparency.commitments import signature_commitment
from groundswell.transparency.log_entries import SignatureEntry, TombstoneEntry, TombstoneReason
from groundswell.transparency.proof_documents import Receipt, receipt_to_json
from groundswell.transparency.signed_note import CosignatureSigner
from groundswell.transparency.tlog_tiles import DirectoryTiles
from groundswell.transparency.verify_cli import main
from tests.transparency.logs import ORIGIN, build_log, fixed_signer, signature_entries, tombstone

SLUG = "save-the-park"
KEY = fixed_signer().vkey


def receipt(index: int) -> Receipt:
    return Receipt(
        campaign=SLUG,
        leaf_index=index,
        public_id=f"signer{index}",
        confirmed_at=datetime(2025, 3, 1, 12, index, tzinfo=UTC),
        salt=bytes([index]) * 16,
    )


def receipt_entry(index: int) -> bytes:
    r = receipt(index)
    commitment = signature_commitment(
        public_id=r.public_id, campaign_slug=r.campaign, confirmed_at=r.confirmed_at, salt=r.salt
    )
    return SignatureEntry(commitment).to_bytes()


def receipt_log(count: int, *, revoked: list[int] = ()) -> list[bytes]:
    entries = [receipt_entry(index) for index in range(count)]
    for index in revoked:
        entries.append(tombstone(entries, index))
    return entries


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(arguments)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A directory served over HTTP on loopback: (base URL of the log, the directory)."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_it_recounts_a_mirror_directory(tmp_path, capsys):
    entries = signature_entries(600)
    entries += [tombstone(entries, 5), tombstone(entries, 300)]
    build_log(entries, sink=DirectoryTiles(tmp_path))

    status, out, err = run(["recount", str(tmp_path), "--key", KEY], capsys)

    assert (status, err) == (0, "")
    assert "OK: recount: 600 signatures - 2 tombstones = 598 live, as the checkpoint says" in out


def test_it_refuses_a_checkpoint_that_inflates_the_count(tmp_path, capsys):
    entries = signature_entries(10)
    build_log([*entries, tombstone(entries, 4)], sink=DirectoryTiles(tmp_path), live_count=10)

    status, _, err = run(["recount", str(tmp_path), "--key", KEY], capsys)

    assert status == 1
    assert "says 10 live signatures; its entries give 9" in err


def test_it_refuses_an_altered_tile(tmp_path, capsys):
    build_log(signature_entries(300), sink=DirectoryTiles(tmp_path))
    bundle = tmp_path / "tile" / "entries" / "000"
    data = bytearray(bundle.read_bytes())
    data[-1] ^= 1
    bundle.write_bytes(bytes(data))

    status, _, err = run(["recount", str(tmp_path), "--key", KEY], capsys)

    assert status == 1
    assert "do not hash" in err


def test_it_refuses_a_checkpoint_signed_by_another_key(tmp_path, capsys):
    build_log(signature_entries(3), sink=DirectoryTiles(tmp_path))

    status, _, err = run(["recount", str(tmp_path), "--key", fixed_signer(number=2).vkey], capsys)

    assert status == 1
    assert err.startswith("FAILED: ")


def test_it_demands_the_witnesses_of_its_policy(tmp_path, capsys):
    witnesses = [CosignatureSigner.generate(f"witness{n}.example") for n in range(3)]
    entries = signature_entries(3)
    built = build_log(entries, sink=DirectoryTiles(tmp_path / "one"))
    cosignature = witnesses[0].cosign(built.checkpoint.text(), timestamp=1_740_830_460)
    build_log(entries, sink=DirectoryTiles(tmp_path / "two"), cosignatures=[cosignature])
    policy = [argument for w in witnesses for argument in ("--witness", w.vkey)]

    unwitnessed = run(
        ["recount", str(tmp_path / "one"), "--key", KEY, *policy, "--witnesses-needed", "1"],
        capsys,
    )
    one_of_three = run(
        ["recount", str(tmp_path / "two"), "--key", KEY, *policy, "--witnesses-needed", "1"],
        capsys,
    )
    two_of_three = run(
        ["recount", str(tmp_path / "two"), "--key", KEY, *policy, "--witnesses-needed", "2"],
        capsys,
    )

    assert unwitnessed[0] == 1
    assert "policy needs 1" in unwitnessed[2]
    assert one_of_three[0] == 0
    assert "cosigned by 1 of the policy's witnesses" in one_of_three[1]
    assert two_of_three[0] == 1


def write_receipt(tmp_path: Path, index: int) -> str:
    path = tmp_path / f"receipt-{index}.json"
    path.write_text(json.dumps(receipt_to_json(receipt(index))))
    return str(path)


def test_a_receipt_checks_from_the_tiles_alone(tmp_path, capsys):
    build_log(receipt_log(5, revoked=[1, 3]), sink=DirectoryTiles(tmp_path / "log"))

    status, out, err = run(
        ["receipt", "--log", str(tmp_path / "log"), "--key", KEY, "--receipt",
         write_receipt(tmp_path, 2)],
        capsys,
    )  # fmt: skip

    assert (status, err) == (0, "")
    assert "OK: none of the log's 2 tombstones revokes entry 2: the signature is counted" in out


def test_a_withdrawn_receipt_fails_though_no_proof_lists_its_tombstone(tmp_path, capsys):
    # With a JSON proof, the server chooses which tombstones to list: leaving this one out made
    # a withdrawn signature verify as counted. The tiles hold every entry under the signed root.
    build_log(receipt_log(5, revoked=[2]), sink=DirectoryTiles(tmp_path / "log"))

    status, _, err = run(
        ["receipt", "--log", str(tmp_path / "log"), "--key", KEY, "--receipt",
         write_receipt(tmp_path, 2)],
        capsys,
    )  # fmt: skip

    assert status == 1
    assert "the tombstone at entry 5 (withdrawn) revokes entry 2" in err


def test_a_made_up_tombstone_cannot_fail_a_valid_receipt(tmp_path, capsys):
    # A tombstone the server invents must be in the signed tree to count; one slipped into the
    # tiles without being in the root fails the whole log rather than the receipt.
    entries = receipt_log(4)
    built = build_log(entries, sink=DirectoryTiles(tmp_path / "log"))
    made_up = TombstoneEntry(2, TombstoneReason.WITHDRAWN, entries[2][3:]).to_bytes()
    bundle = tmp_path / "log" / "tile" / "entries" / "000.p" / "4"
    bundle.write_bytes(bundle.read_bytes() + len(made_up).to_bytes(2, "big") + made_up)

    status, _, err = run(
        ["receipt", "--log", str(tmp_path / "log"), "--key", KEY, "--receipt",
         write_receipt(tmp_path, 2)],
        capsys,
    )  # fmt: skip

    assert status == 1
    assert "tombstone" not in err
    assert built.size == 4


def test_a_receipt_of_another_signature_fails(tmp_path, capsys):
    entries = receipt_log(3)
    entries[1] = SignatureEntry(bytes(32)).to_bytes()
    build_log(entries, sink=DirectoryTiles(tmp_path / "log"))

    status, _, err = run(
        ["receipt", "--log", str(tmp_path / "log"), "--key", KEY, "--receipt",
         write_receipt(tmp_path, 1)],
        capsys,
    )  # fmt: skip

    assert status == 1
    assert "is not this receipt's signature" in err


def test_it_recounts_over_http(served, capsys):
    url, root = served
    build_log(signature_entries(300), sink=DirectoryTiles(root))

    status, out, _ = run(["recount", url, "--key", KEY], capsys)

    assert status == 0
    assert "= 300 live" in out


def test_a_mirror_follows_the_log_and_refuses_a_fork(served, tmp_path, capsys):
    url, root = served
    mirror = tmp_path / "mirror"
    entries = signature_entries(300)
    build_log(entries[:260], sink=DirectoryTiles(root))

    first = run(["mirror", url, str(mirror), "--key", KEY], capsys)
    build_log(entries, sink=DirectoryTiles(root))
    second = run(["mirror", url, str(mirror), "--key", KEY], capsys)
    forked = signature_entries(300, start=1000)
    build_log(entries[:100] + forked[:220], sink=DirectoryTiles(root))
    third = run(["mirror", url, str(mirror), "--key", KEY], capsys)

    assert first[0] == 0, first
    assert second[0] == 0, second
    assert "the new tree extends the mirrored one of size 260" in second[1]
    assert (mirror / "checkpoints" / "260").exists()
    # The fork's first full tile differs from the mirrored one: refused either way.
    assert third[0] == 1
    assert third[2].startswith("FAILED: ")
    # The mirror still holds the last good log, and recounts.
    assert run(["recount", str(mirror), "--key", KEY, "--origin", ORIGIN], capsys)[0] == 0


def test_the_json_receipt_still_needs_its_proof_without_log(tmp_path, capsys):
    status, _, err = run(
        ["receipt", "--key", "key.pem", "--receipt", write_receipt(tmp_path, 0)], capsys
    )

    assert status == 2
    assert "without --log" in err
