"""`groundswell verify`, as a signer or an auditor would run it on the files they were given."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from groundswell.transparency.checkpoints import (
    Checkpoint,
    checkpoint_to_json,
    generate_private_key,
    key_id,
    public_key_to_pem,
    sign_checkpoint,
)
from groundswell.transparency.commitments import (
    TombstoneReason,
    new_salt,
    signature_leaf,
    tombstone_leaf,
)
from groundswell.transparency.merkle import (
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
)
from groundswell.transparency.proof_documents import (
    ConsistencyProof,
    InclusionProof,
    Receipt,
    TombstoneEntry,
    consistency_proof_to_json,
    inclusion_proof_to_json,
    receipt_to_json,
)
from groundswell.transparency.verify_cli import main

CAMPAIGN = "save-the-park"
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


class CampaignLog:
    """A campaign's log kept as the platform keeps it, handing out the documents people verify."""

    def __init__(self, private_key: Ed25519PrivateKey, campaign: str = CAMPAIGN) -> None:
        self.private_key = private_key
        self.campaign = campaign
        self.store = MemoryNodeStore()
        self.tombstones: list[TombstoneEntry] = []
        self.live_at_size = [0]

    def now(self) -> datetime:
        return START + timedelta(minutes=self.store.size)

    def sign(self, public_id: str) -> Receipt:
        confirmed_at = self.now()
        salt = new_salt()
        entry = signature_leaf(
            public_id=public_id, campaign_slug=self.campaign, confirmed_at=confirmed_at, salt=salt
        )
        index = self.store.append(leaf_hash(entry))
        self.live_at_size.append(self.live_at_size[-1] + 1)
        return Receipt(
            campaign=self.campaign,
            leaf_index=index,
            public_id=public_id,
            confirmed_at=confirmed_at,
            salt=salt,
        )

    def revoke(self, receipt: Receipt, reason: TombstoneReason = "withdrawn") -> None:
        at = self.now()
        entry = tombstone_leaf(
            leaf_index=receipt.leaf_index, campaign_slug=self.campaign, reason=reason, at=at
        )
        index = self.store.append(leaf_hash(entry))
        self.live_at_size.append(self.live_at_size[-1] - 1)
        self.tombstones.append(
            TombstoneEntry(
                leaf_index=index, revoked_leaf_index=receipt.leaf_index, reason=reason, at=at
            )
        )

    def checkpoint(self, tree_size: int | None = None) -> dict[str, object]:
        size = self.store.size if tree_size is None else tree_size
        checkpoint = Checkpoint(
            campaign=self.campaign,
            tree_size=size,
            root_hash=root_hash(self.store, tree_size=size),
            live_count=self.live_at_size[size],
            timestamp=START + timedelta(days=1, minutes=size),
        )
        return checkpoint_to_json(checkpoint, sign_checkpoint(checkpoint, self.private_key))

    def inclusion_proof(self, receipt: Receipt, tree_size: int | None = None) -> dict[str, object]:
        size = self.store.size if tree_size is None else tree_size
        tombstones = tuple(
            TombstoneEntry(
                leaf_index=tombstone.leaf_index,
                revoked_leaf_index=tombstone.revoked_leaf_index,
                reason=tombstone.reason,
                at=tombstone.at,
                audit_path=tuple(
                    inclusion_proof(self.store, index=tombstone.leaf_index, tree_size=size)
                ),
            )
            for tombstone in self.tombstones
            if tombstone.leaf_index < size
        )
        return inclusion_proof_to_json(
            InclusionProof(
                tree_size=size,
                leaf_index=receipt.leaf_index,
                audit_path=tuple(
                    inclusion_proof(self.store, index=receipt.leaf_index, tree_size=size)
                ),
                tombstones=tombstones,
            )
        )

    def consistency_proof(self, old_size: int, new_size: int) -> dict[str, object]:
        path = consistency_proof(self.store, old_size=old_size, new_size=new_size)
        return consistency_proof_to_json(
            ConsistencyProof(old_size=old_size, new_size=new_size, path=tuple(path))
        )


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return generate_private_key()


@pytest.fixture
def log(private_key: Ed25519PrivateKey) -> CampaignLog:
    return CampaignLog(private_key)


@pytest.fixture
def files(tmp_path: Path, private_key: Ed25519PrivateKey) -> "Files":
    return Files(tmp_path, private_key)


class Files:
    def __init__(self, folder: Path, private_key: Ed25519PrivateKey) -> None:
        self.folder = folder
        self.key = folder / "instance.pem"
        self.key.write_bytes(public_key_to_pem(private_key.public_key()))

    def write(self, name: str, document: object) -> str:
        path = self.folder / name
        path.write_text(json.dumps(document, indent=2))
        return str(path)


def run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(arguments)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def a_log_with_signatures(log: CampaignLog, count: int) -> list[Receipt]:
    return [log.sign(f"S-{number:04d}") for number in range(count)]


def test_it_accepts_a_checkpoint_signed_by_the_instance(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 5)
    checkpoint = files.write("checkpoint.json", log.checkpoint())

    status, out, err = run(["checkpoint", "--key", str(files.key), checkpoint], capsys)

    assert status == 0, err
    assert out.startswith(
        f"OK: checkpoint of campaign 'save-the-park' is signed by key "
        f"{key_id(log.private_key.public_key()).hex()}: tree size 5, root "
    )
    assert "5 live signatures" in out
    assert err == ""


def test_it_rejects_a_tampered_checkpoint(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 5)
    document = log.checkpoint()
    document["live_count"] = 4
    checkpoint = files.write("checkpoint.json", document)

    status, out, err = run(["checkpoint", "--key", str(files.key), checkpoint], capsys)

    assert status == 1
    assert out == ""
    assert err == (
        f"FAILED: checkpoint: the checkpoint signature is invalid for key "
        f"{key_id(log.private_key.public_key()).hex()}: the checkpoint was changed after it "
        "was signed, or the signature is forged\n"
    )


def test_it_rejects_a_forged_signature(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 5)
    forger = CampaignLog(generate_private_key())
    a_log_with_signatures(forger, 6)
    forged = forger.checkpoint()
    # The forger claims the instance's key id but can only sign with their own key.
    forged["signature"] = log.checkpoint()["signature"][:8] + forged["signature"][8:]  # type: ignore[index]
    checkpoint = files.write("checkpoint.json", forged)

    status, _, err = run(["checkpoint", "--key", str(files.key), checkpoint], capsys)

    assert status == 1
    assert "the checkpoint signature is invalid for key" in err
    assert "or the signature is forged" in err


def test_it_names_the_key_a_checkpoint_was_really_signed_with(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = CampaignLog(generate_private_key())
    a_log_with_signatures(stranger, 3)
    checkpoint = files.write("checkpoint.json", stranger.checkpoint())

    status, _, err = run(["checkpoint", "--key", str(files.key), checkpoint], capsys)

    assert status == 1
    assert err.startswith(
        f"FAILED: checkpoint: the checkpoint was signed with key "
        f"{key_id(stranger.private_key.public_key()).hex()}, not with the given public key "
    )


def test_it_accepts_a_receipt_whose_signature_is_in_the_checkpoint(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 11)
    log.revoke(receipts[2])
    log.sign("S-late")
    mine = receipts[7]

    status, out, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(mine)),
            "--proof",
            files.write("proof.json", log.inclusion_proof(mine)),
        ],
        capsys,
    )

    assert status == 0, err
    assert out.splitlines()[1:] == [
        "OK: the receipt's signature is leaf 7 of the checkpoint's tree of size 13",
        "OK: the tombstone at leaf 11 (withdrawn, revoking leaf 2) is in the checkpoint's tree",
        "OK: the proof lists 1 tombstone, none revoking leaf 7: the signature counts as live, "
        "unless the server left a tombstone out (only `verify receipt --log`, from the tiles, "
        "can rule that out)",
    ]


@pytest.mark.parametrize("reason", ["withdrawn", "erased", "invalidated"])
def test_it_rejects_a_receipt_for_a_withdrawn_signature(
    log: CampaignLog,
    files: Files,
    capsys: pytest.CaptureFixture[str],
    reason: TombstoneReason,
) -> None:
    receipts = a_log_with_signatures(log, 6)
    log.revoke(receipts[3], reason=reason)
    mine = receipts[3]

    status, out, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(mine)),
            "--proof",
            files.write("proof.json", log.inclusion_proof(mine)),
        ],
        capsys,
    )

    assert status == 1
    assert "OK: the receipt's signature is leaf 3 of the checkpoint's tree of size 7" in out
    assert err == (
        f"FAILED: signature was {reason} at 2025-03-01T12:06:00.000000Z: the tombstone at leaf 6 "
        "revokes leaf 3, so the signature is not counted in this checkpoint\n"
    )


def test_it_rejects_a_withdrawal_even_when_the_tombstone_comes_without_its_proof(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 4)
    log.revoke(receipts[1])
    proof = log.inclusion_proof(receipts[1])
    for tombstone in proof["tombstones"]:  # type: ignore[attr-defined]
        del tombstone["audit_path"]

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(receipts[1])),
            "--proof",
            files.write("proof.json", proof),
        ],
        capsys,
    )

    assert status == 1
    assert err.startswith("FAILED: signature was withdrawn at ")


def test_it_rejects_a_tombstone_whose_proof_does_not_check(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 4)
    log.revoke(receipts[1], reason="erased")
    proof = log.inclusion_proof(receipts[0])
    proof["tombstones"][0]["reason"] = "invalidated"  # type: ignore[index]

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(receipts[0])),
            "--proof",
            files.write("proof.json", proof),
        ],
        capsys,
    )

    assert status == 1
    assert err.startswith(
        "FAILED: the tombstone at leaf 4 is not proven to be in the checkpoint: "
        "the inclusion proof for leaf 4 leads to root "
    )


def test_it_rejects_a_proof_for_another_tree_size(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 9)
    mine = receipts[2]

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(mine)),
            "--proof",
            files.write("proof.json", log.inclusion_proof(mine, tree_size=5)),
        ],
        capsys,
    )

    assert status == 1
    assert err == (
        "FAILED: the inclusion proof is for a tree of size 5, "
        "but the checkpoint's tree has size 9\n"
    )


def test_it_rejects_a_proof_that_misstates_its_tree_size(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 9)
    mine = receipts[2]
    proof = log.inclusion_proof(mine, tree_size=5)
    proof["tree_size"] = 9

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(mine)),
            "--proof",
            files.write("proof.json", proof),
        ],
        capsys,
    )

    assert status == 1
    assert err == (
        "FAILED: an inclusion proof for leaf 2 in a tree of size 9 has 4 hashes, this one has 3: "
        "it was made for another leaf or another tree size\n"
    )


def test_it_rejects_a_receipt_whose_details_were_altered(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 9)
    mine = receipts[2]
    receipt = receipt_to_json(mine)
    receipt["public_id"] = "S-9999"

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt),
            "--proof",
            files.write("proof.json", log.inclusion_proof(mine)),
        ],
        capsys,
    )

    assert status == 1
    assert err.startswith("FAILED: the inclusion proof for leaf 2 leads to root ")
    assert err.endswith("of the tree of size 9\n")


def test_it_rejects_a_receipt_for_another_campaign(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    other = CampaignLog(log.private_key, campaign="save-the-pond")
    theirs = a_log_with_signatures(other, 3)[0]
    a_log_with_signatures(log, 3)

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            files.write("receipt.json", receipt_to_json(theirs)),
            "--proof",
            files.write("proof.json", other.inclusion_proof(theirs)),
        ],
        capsys,
    )

    assert status == 1
    assert err == (
        "FAILED: the receipt is for campaign 'save-the-pond', "
        "but the checkpoint is for campaign 'save-the-park'\n"
    )


def test_it_accepts_a_newer_checkpoint_that_extends_an_older_one(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipts = a_log_with_signatures(log, 6)
    old = files.write("old.json", log.checkpoint())
    log.revoke(receipts[0])
    a_log_with_signatures(log, 10)

    status, out, err = run(
        [
            "consistency",
            "--key",
            str(files.key),
            old,
            files.write("new.json", log.checkpoint()),
            "--proof",
            files.write("proof.json", log.consistency_proof(6, 17)),
        ],
        capsys,
    )

    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("OK: old checkpoint of campaign 'save-the-park' is signed by key ")
    assert lines[1].startswith("OK: new checkpoint of campaign 'save-the-park' is signed by key ")
    assert lines[2] == (
        "OK: the log of campaign 'save-the-park' at size 17 extends its tree of size 6 "
        "without rewriting it"
    )


def test_it_rejects_checkpoints_of_a_log_that_was_rewritten(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 6)
    old = files.write("old.json", log.checkpoint())
    rewritten = CampaignLog(log.private_key)
    a_log_with_signatures(rewritten, 12)

    status, _, err = run(
        [
            "consistency",
            "--key",
            str(files.key),
            old,
            files.write("new.json", rewritten.checkpoint()),
            "--proof",
            files.write("proof.json", rewritten.consistency_proof(6, 12)),
        ],
        capsys,
    )

    assert status == 1
    assert err.startswith("FAILED: the consistency proof leads to old root ")
    assert err.endswith("of the tree of size 6\n")


def test_it_rejects_a_consistency_proof_for_other_tree_sizes(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 12)

    status, _, err = run(
        [
            "consistency",
            "--key",
            str(files.key),
            files.write("old.json", log.checkpoint(tree_size=4)),
            files.write("new.json", log.checkpoint()),
            "--proof",
            files.write("proof.json", log.consistency_proof(4, 9)),
        ],
        capsys,
    )

    assert status == 1
    assert err == (
        "FAILED: the consistency proof is for tree sizes 4 -> 9, "
        "but the checkpoints have tree sizes 4 -> 12\n"
    )


def test_it_asks_whether_checkpoints_were_given_in_the_wrong_order(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 12)

    status, _, err = run(
        [
            "consistency",
            "--key",
            str(files.key),
            files.write("new.json", log.checkpoint()),
            files.write("old.json", log.checkpoint(tree_size=4)),
            "--proof",
            files.write("proof.json", log.consistency_proof(4, 12)),
        ],
        capsys,
    )

    assert status == 1
    assert err == (
        "FAILED: the old checkpoint's tree (size 12) is larger than the new one's (size 4): "
        "were they given in the wrong order?\n"
    )


def test_it_exits_with_2_when_a_file_cannot_be_read(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(files.folder / "missing.json")

    status, out, err = run(["checkpoint", "--key", str(files.key), missing], capsys)

    assert status == 2
    assert out == ""
    assert err == f"FAILED: cannot read the checkpoint {missing}: No such file or directory\n"


def test_it_exits_with_2_for_a_file_that_is_not_json(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    path = files.folder / "checkpoint.json"
    path.write_text("{not json")

    status, _, err = run(["checkpoint", "--key", str(files.key), str(path)], capsys)

    assert status == 2
    assert err.startswith(f"FAILED: the checkpoint {path} is not JSON: ")


def test_it_exits_with_2_for_a_document_of_the_wrong_kind(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = a_log_with_signatures(log, 2)[0]
    path = files.write("receipt.json", receipt_to_json(receipt))

    status, _, err = run(["checkpoint", "--key", str(files.key), path], capsys)

    assert status == 2
    assert err == (
        f"FAILED: {path}: the checkpoint must have format 'groundswell-checkpoint/v1', "
        "got 'groundswell-receipt/v1'\n"
    )


def test_it_exits_with_2_for_a_receipt_with_a_missing_field(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = a_log_with_signatures(log, 2)[0]
    receipt = receipt_to_json(mine)
    del receipt["salt"]
    path = files.write("receipt.json", receipt)

    status, _, err = run(
        [
            "receipt",
            "--key",
            str(files.key),
            "--checkpoint",
            files.write("checkpoint.json", log.checkpoint()),
            "--receipt",
            path,
            "--proof",
            files.write("proof.json", log.inclusion_proof(mine)),
        ],
        capsys,
    )

    assert status == 2
    assert err == f"FAILED: {path}: the receipt has no 'salt' field\n"


def test_it_exits_with_2_for_a_key_that_is_not_an_ed25519_public_key(
    log: CampaignLog, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    a_log_with_signatures(log, 2)
    files.key.write_text("not a key")

    status, _, err = run(
        ["checkpoint", "--key", str(files.key), files.write("c.json", log.checkpoint())], capsys
    )

    assert status == 2
    assert err.startswith(
        f"FAILED: the public key {files.key} cannot be used: not a PEM public key"
    )


def test_it_exits_with_2_on_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["checkpoint"]) == 2
    assert main(["frobnicate"]) == 2
    assert "usage: groundswell verify" in capsys.readouterr().err


def test_it_explains_itself_with_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "checkpoint" in capsys.readouterr().out


def test_it_runs_without_django() -> None:
    script = (
        "import sys\n"
        "import groundswell.transparency.verify_cli\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    completed = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", script],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
